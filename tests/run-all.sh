#!/bin/sh
# run-all.sh: the whole test suite, as CI runs it.  Builds twice: build/
# (warnings as errors) and build-asan/ (AddressSanitizer + UBSan), runs every
# meson test in both, and ends with one line "N passed, N failed" counting
# each TAP subtest (or each test that has none).
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
if sys.argv[1] != "0":
    failed += 1
    print("FAILED: the build")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
