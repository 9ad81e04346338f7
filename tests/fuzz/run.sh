#!/bin/sh
# run.sh: build the libFuzzer targets in build-fuzz/ (clang, ASan + UBSan)
# and run each: first over its regression inputs (tests/fuzz/regressions/
# TARGET/, once each), then fuzzing for FL_FUZZ_SECONDS (default 60) from a
# scratch copy of its seed corpus (tests/fuzz/corpus/TARGET/).  Prints TAP:
# two tests per target.  Any crash, leak, UB report, out-of-memory or input
# slower than 30 s fails; the input is kept in build-fuzz/crashes/ (commit
# it to tests/fuzz/regressions/TARGET/ with the fix and a unit test).
# Totals go to build-fuzz/fuzz-stats.txt.
set -u
cd "$(dirname "$0")/../.."
secs=${FL_FUZZ_SECONDS:-60}
targets="date edtf tz csvlint events loader index cli_values serve_params geojson pmtiles"
ntargets=$(echo $targets | wc -w)
echo "1..$((2 * ntargets))"
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link >build/fuzz-setup.log 2>&1 || { sed 's/^/# /' build/fuzz-setup.log; exit 1; }
fi
if ! ninja -C build-fuzz fuzz >build-fuzz/build.log 2>&1; then
	sed 's/^/# /' build-fuzz/build.log | tail -40
	exit 1
fi
work=$(mktemp -d /dev/shm/fl-fuzz.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p build-fuzz/crashes
export TMPDIR="$work"
# full stacks on malloc, so that the narrow GDAL suppression in lsan.supp can match
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
opts="-timeout=30 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1"
k=0
total_execs=0
: >build-fuzz/fuzz-stats.txt
for t in $targets; do
	exe=build-fuzz/tests/fuzz/fuzz_$t
	k=$((k + 1))
	reg=tests/fuzz/regressions/$t
	if [ -d "$reg" ] && [ -n "$(ls "$reg")" ]; then
		n=$(ls "$reg" | wc -l)
		if $exe $opts "$reg"/* >"$work/$t.reg.log" 2>&1; then
			echo "ok $k - fuzz_$t: $n regression input(s) pass"
		else
			echo "not ok $k - fuzz_$t: a regression input fails again"
			grep -v '^INFO' "$work/$t.reg.log" | tail -30 | sed 's/^/# /'
		fi
	else
		echo "ok $k - fuzz_$t: no regression inputs"
	fi
	k=$((k + 1))
	cp -r tests/fuzz/corpus/$t "$work/corpus-$t"
	start=$(date +%s)
	# a fixed seed (FL_FUZZ_SEED): a run in CI explores the inputs a rerun here explores
	$exe $opts -seed="${FL_FUZZ_SEED:-20261128}" -max_total_time="$secs" -artifact_prefix="$work/$t-" "$work/corpus-$t" \
		>"$work/$t.log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
	execs=${execs:-0}
	total_execs=$((total_execs + execs))
	echo "fuzz_$t seconds=$took executions=$execs exit=$rc" >>build-fuzz/fuzz-stats.txt
	found=$(ls "$work" | grep "^$t-" || true)
	if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
		echo "ok $k - fuzz_$t: ${took} s, $execs executions, nothing found"
	else
		echo "not ok $k - fuzz_$t: exit $rc after ${took} s ($execs executions)"
		for f in $found; do
			cp "$work/$f" build-fuzz/crashes/
			echo "# kept build-fuzz/crashes/$f"
		done
		grep -v '^INFO\|^#[0-9]' "$work/$t.log" | tail -40 | sed 's/^/# /'
	fi
	rm -rf "$work/corpus-$t"
done
echo "total executions=$total_execs seconds_per_target=$secs" >>build-fuzz/fuzz-stats.txt
echo "# fuzzing: $ntargets targets x $secs s, $total_execs executions"
