#!/bin/sh
# run-all.sh: the whole test suite, as CI runs it.  Builds twice: build/
# (warnings as errors) and build-asan/ (AddressSanitizer + UBSan), runs every
# meson test in both, then the hardening stages, each a TAP file:
#   valgrind  memcheck over end-to-end runs (tests/valgrind.py)   build/valgrind.tap
#   static    clang-tidy and cppcheck on src/ (tests/static.sh)  build/static.tap
#   fuzz      libFuzzer targets in build-fuzz/, FL_FUZZ_SECONDS each (default 60;
#             tests/fuzz/run.sh)                                 build/fuzz.tap
# and ends with one line "N passed, N failed" counting each TAP subtest (or
# each test that has none).
set -u
cd "$(dirname "$0")/.."
fail=0
meson configure build -Dwerror=true >/dev/null && ninja -C build >/dev/null || fail=1
[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined \
	-Db_lundef=false -Dwerror=true >/dev/null || fail=1
ninja -C build-asan >/dev/null || fail=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
meson test -C build --print-errorlogs --num-processes 2 || true
meson test -C build-asan --print-errorlogs --num-processes 2 || true
unset ASAN_OPTIONS
stage() { # name, command...: TAP into build/NAME.tap, with the time it took
	name=$1
	shift
	start=$(date +%s)
	"$@" >build/$name.tap 2>&1
	echo "# $name: $(($(date +%s) - start)) s" >>build/$name.tap
	grep "^not ok\|^# [a-z]*: [0-9]* s" build/$name.tap
}
stage valgrind /usr/bin/python3 tests/valgrind.py build/src/cli/frontline .
stage static sh tests/static.sh
stage fuzz sh tests/fuzz/run.sh
/usr/bin/python3 - "$fail" <<'PY'
import json, re, sys
passed = failed = 0
for d in ("build", "build-asan"):
    try:
        lines = open(d + "/meson-logs/testlog.json").read().splitlines()
    except OSError:
        failed += 1
        print(f"{d}: no test log")
        continue
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        ok = t["result"] in ("OK", "SKIP", "EXPECTEDFAIL")
        out = t.get("stdout") or ""
        subs = re.findall(r"^(ok|not ok)\b", out, re.M)
        if subs and ok:
            passed += sum(1 for s in subs if s == "ok")
            failed += sum(1 for s in subs if s == "not ok")
        elif subs:
            passed += sum(1 for s in subs if s == "ok")
            failed += max(1, sum(1 for s in subs if s == "not ok"))
        else:
            passed += ok
            failed += not ok
        if not ok:
            print(f"FAILED: {d}: {t['name']} ({t['result']})")
for stage in ("valgrind", "static", "fuzz"):
    try:
        tap = open("build/%s.tap" % stage).read()
    except OSError:
        tap = ""
    plan = re.search(r"^1\.\.(\d+)", tap, re.M)
    ok = len(re.findall(r"^ok\b", tap, re.M))
    bad = len(re.findall(r"^not ok\b", tap, re.M))
    missing = max(0, int(plan.group(1)) - ok - bad) if plan else 1
    passed += ok
    failed += bad + missing
    secs = re.search(r"^# %s: (\d+) s" % stage, tap, re.M)
    extra = re.search(r"^# fuzzing: (.*)$", tap, re.M)
    print(f"{stage}: {ok} passed, {bad + missing} failed"
          + (f" in {secs.group(1)} s" if secs else "") + (f" ({extra.group(1)})" if extra else ""))
    if bad or missing:
        print(f"FAILED: {stage} (see build/{stage}.tap)")
if sys.argv[1] != "0":
    failed += 1
    print("FAILED: the build")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
