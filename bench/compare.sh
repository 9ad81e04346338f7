# bench/compare.sh: `bash bench/run.sh --compare OLD_BUILD_DIR NEW_BUILD_DIR`, two builds of
# frontline side by side in one run (sourced by run.sh, which has set up its knobs, harness_for,
# ds_series, gen and the G_* dates).  frontline's measurements of run.sh only, no PostgreSQL and no
# peers: the DeepState import, first open and queries, the generated trackers' first open and
# queries, the scale series' first open, and bench/harness's warm work.
#
# Interleaving: every hyperfine invocation times the old and the new build's command together
# (named old and new), BENCH_ROUNDS times, old first in odd rounds and new first in even ones, so
# that a drift of the machine's load falls on both; the median is over every run of every round.
# bench/harness of each build runs in turn, in the same alternating order.  Each build has its own
# copy of every tracker ($BENCH_WORK/old/..., $BENCH_WORK/new/...), so each reads and writes its
# own .frontline-index.  The table (medians, new / old) goes to stdout and to
# $BENCH_RESULTS/compare/compare.md, the hyperfine exports and harness outputs beside it.
# shellcheck shell=bash disable=SC2153 # RES, RUNS, ...: set by run.sh, which sources this file

CRES=$RES/compare
TABLE=$CRES/table.tsv
ROUNDS=${BENCH_ROUNDS:-2}
TOL=${BENCH_TOLERANCE:-0.05}
INDEX=.frontline-index
[ -d "$OLD_BUILD" ] || { echo "bench: no build dir $OLD_BUILD" >&2; exit 1; }
[ -d "$NEW_BUILD" ] || { echo "bench: no build dir $NEW_BUILD" >&2; exit 1; }
OLD_BUILD=$(cd "$OLD_BUILD" && pwd)
NEW_BUILD=$(cd "$NEW_BUILD" && pwd)
declare -A FLB=([old]=$OLD_BUILD/src/cli/frontline [new]=$NEW_BUILD/src/cli/frontline)
declare -A HB=()
for side in old new; do
	[ -x "${FLB[$side]}" ] || { echo "bench: no frontline binary at ${FLB[$side]}" >&2; exit 1; }
done
mkdir -p "$WORK/old" "$WORK/new" "$CRES"
rm -f "$CRES"/*
harness_for "$OLD_BUILD"
HB[old]=$HARNESS
harness_for "$NEW_BUILD"
HB[new]=$HARNESS

# source_of BUILD: "<commit> (<source dir>)" of the tree BUILD was configured from
source_of() {
	local src
	src=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
		"$1/meson-info/meson-info.json" 2>/dev/null || echo '?')
	echo "$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?') ($src)"
}
{
	echo "Run of $(date -u +'%Y-%m-%d %H:%M UTC') on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), Linux $(uname -r): \`bench/run.sh --compare\`, $ROUNDS rounds, parts: $PARTS."
	echo
	echo "- old: ${FLB[old]}, source $(source_of "$OLD_BUILD")"
	echo "- new: ${FLB[new]}, source $(source_of "$NEW_BUILD")"
	echo "- load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$CRES/head.md"

# other SIDE: the other build
other() { if [ "$1" = old ]; then echo new; else echo old; fi; }
# first_of ROUND: the build that goes first in that round
first_of() { if [ $(($1 % 2)) = 1 ]; then echo old; else echo new; fi; }

# chf KEY RUNS WARMUP OLD_COMMAND NEW_COMMAND [hyperfine args...]: both commands in each of
# ROUNDS hyperfine invocations; one row of the table
chf() {
	local key=$1 runs=$2 warm=$3 r a b rc
	local -A cmds=([old]=$4 [new]=$5)
	local files=()
	shift 5
	log "$key: ${cmds[new]}"
	for ((r = 1; r <= ROUNDS; r++)); do
		a=$(first_of "$r")
		b=$(other "$a")
		rc=0
		timeout "$((2 * TMO * (runs + warm) + 60))" hyperfine -N --style basic --runs "$runs" --warmup "$warm" \
			--export-json "$CRES/$key.r$r.json" "$@" -n "$a" -n "$b" "${cmds[$a]}" "${cmds[$b]}" \
			>"$CRES/$key.r$r.hf.txt" 2>&1 || rc=$?
		if [ "$rc" = 0 ]; then
			files+=("$CRES/$key.r$r.json")
		else
			log "$key: hyperfine failed ($rc) in round $r, see $CRES/$key.r$r.hf.txt"
		fi
	done
	"$PY" "$HERE/compare.py" hf "$TABLE" "$key" "${files[@]}"
}

# charness PREFIX TRACKER_NAME OP...: each build's bench/harness on its own copy
# ($WORK/SIDE/TRACKER_NAME), in turn, ROUNDS times; one row per op
charness() {
	local prefix=$1 name=$2 r a side files=()
	shift 2
	log "$prefix: harness $*"
	for ((r = 1; r <= ROUNDS; r++)); do
		a=$(first_of "$r")
		for side in "$a" "$(other "$a")"; do
			timeout "$TMO" "${HB[$side]}" "$WORK/$side/$name" "$REPS" "$@" \
				>"$CRES/$prefix.$side.r$r.tsv" 2>"$CRES/$prefix.$side.r$r.err" ||
				log "$prefix: the $side harness failed in round $r, see $CRES/$prefix.$side.r$r.err"
			files+=("$CRES/$prefix.$side.r$r.tsv")
		done
	done
	"$PY" "$HERE/compare.py" harness "$TABLE" "$prefix" "${files[@]}"
}

# copies SRC NAME: SRC copied to $WORK/old/NAME and $WORK/new/NAME, without its index
copies() {
	for side in old new; do
		rm -rf "${WORK:?}/$side/$2"
		cp -R "$1" "$WORK/$side/$2"
		rm -f "$WORK/$side/$2/$INDEX"
	done
}

# indexed NAME ARGS...: each build's command once on its own copy (writes its index)
indexed() {
	local name=$1 side
	shift
	for side in old new; do
		"${FLB[$side]}" -d "$WORK/$side/$name" "$@" >/dev/null 2>&1 || true
	done
}

# cmd2 NAME ARGS: chf's two commands on the copies of tracker NAME
ARGS_OLD="" ARGS_NEW=""
cmd2() {
	ARGS_OLD="${FLB[old]} -d $WORK/old/$1 $2"
	ARGS_NEW="${FLB[new]} -d $WORK/new/$1 $2"
}

# ================================================================ DeepState
if has_part deepstate; then
	[ -d "$DEEPSTATE" ] || { echo "bench: no DeepState data at $DEEPSTATE" >&2; exit 1; }
	ds_series
	echo "- DeepState: ${#DS_FILES[@]} days, D1 $D1, D2 $D2" >>"$CRES/head.md"
	chf ds.import "$SLOW_RUNS" 1 \
		"${FLB[old]} import-series --holder RU --other UA --out $WORK/old/ds ${DS_FILES[*]}" \
		"${FLB[new]} import-series --holder RU --other UA --out $WORK/new/ds ${DS_FILES[*]}" \
		--prepare "rm -rf $WORK/old/ds $WORK/new/ds"
	for side in old new; do
		[ -f "$WORK/$side/ds/events.csv" ] ||
			"${FLB[$side]}" import-series --holder RU --other UA --out "$WORK/$side/ds" "${DS_FILES[@]}"
	done
	cmd2 ds "stats --step day"
	chf ds.firstopen "$SLOW_RUNS" 0 "$ARGS_OLD" "$ARGS_NEW" --prepare "rm -f $WORK/old/ds/$INDEX $WORK/new/ds/$INDEX"
	indexed ds stats --step day
	chf ds.area "$RUNS" 3 "$ARGS_OLD" "$ARGS_NEW"
	cmd2 ds "snapshot --by actor --date $D2"
	chf ds.map "$RUNS" 3 "$ARGS_OLD -o $WORK/old/ds-map.geojson" "$ARGS_NEW -o $WORK/new/ds-map.geojson"
	cmd2 ds "snapshot --by actor --holder RU --date $D2"
	chf ds.map_held "$RUNS" 3 "$ARGS_OLD -o $WORK/old/ds-map-ru.geojson" "$ARGS_NEW -o $WORK/new/ds-map-ru.geojson"
	cmd2 ds "diff $D1 $D2 --by actor"
	chf ds.diff "$RUNS" 3 "$ARGS_OLD" "$ARGS_NEW"
	charness ds.warm ds stats:day "snapshot:actor:$D2" "diff:actor:$D1:$D2"
fi

# ================================================================ generated trackers
if has_part generated; then
	echo "- generated: $REGIONS regions, events: $EVENTS, seed $SEED" >>"$CRES/head.md"
	for N in $EVENTS; do
		P=g$N
		copies "$(gen "$N")" "gen-$N"
		cmd2 "gen-$N" "stats --step month --from $G_M1 --to $G_M2"
		chf "$P.firstopen" "$SLOW_RUNS" 0 "$ARGS_OLD" "$ARGS_NEW" \
			--prepare "rm -f $WORK/old/gen-$N/$INDEX $WORK/new/gen-$N/$INDEX"
		indexed "gen-$N" stats --step month --from "$G_M1" --to "$G_M2"
		cmd2 "gen-$N" "check"
		chf "$P.check" "$SLOW_RUNS" 0 "$ARGS_OLD" "$ARGS_NEW"
		for c in "log_region:log --region $G_REGION" \
			"snap_region:snapshot --date $G_DATE --by region" \
			"snap_actor:snapshot --date $G_DATE --by actor" \
			"diff_region:diff $G_D1 $G_D2 --by region" \
			"diff_actor:diff $G_D1 $G_D2 --by actor" \
			"stats_month:stats --step month --from $G_M1 --to $G_M2"; do
			cmd2 "gen-$N" "${c#*:}"
			chf "$P.${c%%:*}" "$RUNS" 1 "$ARGS_OLD" "$ARGS_NEW"
		done
		charness "$P.warm" "gen-$N" "${G_OPS[@]}" "${G_WKB[@]}"
	done
fi

# ================================================================ load time as the log grows
if has_part scale; then
	for N in $SCALE; do
		copies "$(gen "$N")" "gen-$N"
		cmd2 "gen-$N" "stats --step month --from $G_M1 --to $G_M2"
		chf "scale$N.firstopen" "$SLOW_RUNS" 0 "$ARGS_OLD" "$ARGS_NEW" \
			--prepare "rm -f $WORK/old/gen-$N/$INDEX $WORK/new/gen-$N/$INDEX"
		indexed "gen-$N" stats --step month --from "$G_M1" --to "$G_M2"
		charness "scale$N" "gen-$N" "stats:month:$G_M1:$G_M2"
	done
fi

# ================================================================ uncertain dates (issue 21; not a default part)
# bench/uncertain.sh with the old build as the "before": its own report, $RES/uncertain/summary.md
if has_part uncertain; then
	FRONTLINE=${FLB[new]} FRONTLINE_BEFORE=${FLB[old]} BENCH_HARNESS=${HB[new]} BENCH_HARNESS_BEFORE=${HB[old]} \
		DEEPSTATE=$DEEPSTATE BENCH_WORK=$WORK BENCH_RESULTS=$RES BENCH_RUNS=$RUNS BENCH_ROUNDS=$ROUNDS \
		bash "$HERE/uncertain.sh" || log "uncertain: a check failed (see above)"
fi

echo "- load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$CRES/head.md"
{
	cat "$CRES/head.md"
	echo
	if [ -f "$TABLE" ]; then "$PY" "$HERE/compare.py" table "$TABLE" "$TOL"; else echo "(nothing measured)"; fi
} >"$CRES/compare.md"
cat "$CRES/compare.md"
log "written to $CRES/compare.md"
