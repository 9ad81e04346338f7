#!/bin/bash
# bench/uncertain.sh: `stats` over the DeepState series with a few uncertain events, against the
# tool before uncertain dates (issue 21: "stays within 1.5x of today's time").  Not part of CI.
#
#   FRONTLINE_BEFORE=/path/to/old/build/src/cli/frontline bash bench/uncertain.sh
#   BENCH_PARTS="uncertain" FRONTLINE_BEFORE=... bash bench/run.sh      (the same, as a part of run.sh)
#
# 1. imports the DeepState series once with `frontline import-series --holder RU --other UA` (as
#    run.sh does) into $BENCH_WORK/uncertain/plain (kept while the files and the binary are the same);
# 2. copies it, and in each copy for N in BENCH_UNCERTAIN rewrites the date of N capture events spread
#    over the series (none in the first or last weeks) to the week starting at their day, `D/D+7`, and
#    that of the middle one to its month, `YYYY-MM`; `frontline check` must find no error and no
#    warning the plain tracker has not;
# 3. runs every command once (the first open writes .frontline-index: every timing is with the index
#    warm), then times them with `hyperfine -N` (whole processes, output to /dev/null as run.sh's
#    ds.area), BENCH_ROUNDS rounds with the order of the commands reversed each round so that a drift
#    of the machine's load falls on all; the median is over every run of every round:
#      before  `stats --step S` of FRONTLINE_BEFORE on the plain tracker (its own copy and index)
#      plain   `stats --step S` of FRONTLINE on the plain tracker
#      uN      `stats --step S` of FRONTLINE on the tracker with N uncertain events
#    for S in BENCH_UNC_STEPS; then, when both builds have bench/harness (meson -Dbench=true; ninja
#    -C BUILD bench), the same stats warm: the tracker opened once, fl_stats_new + CSV rows in memory,
#    BENCH_REPS times (the engine's part of the whole process, which loading the index dominates);
# 4. prints medians (wall; user + system CPU beside), the ratios to `before` and whether the goal
#    (every uN of step day within BENCH_UNC_GOAL, 1.5, of before) is met, and checks the CSVs
#    (`stats -o F.csv`): on the plain tracker the columns both tools write are the same bytes; on each
#    uncertain one area_km2_min <= area_km2 <= area_km2_max on every row, min < max on every row of
#    a day inside a period, min = area_km2 = max outside them, and area_km2 the plain one's before
#    the month-precision event's first day (its nominal instant moved there).
#    When the goal is missed (or BENCH_UNC_PROFILE=1), `perf record -g` of the largest uN, step day.
# Exit status: 1 when a check fails, 0 otherwise (a missed goal is reported, not an error).
#
# Environment (all optional but FRONTLINE_BEFORE; without it only the new tool is timed and the
# ratios are to its plain run):
#   FRONTLINE, FRONTLINE_BEFORE  the binaries (default FRONTLINE: <repo>/build/src/cli/frontline);
#                    build both the same way (run.sh's: `meson setup build`, buildtype debugoptimized)
#   DEEPSTATE        the daily polygons (default: <repo>/../shared/data/deepstate)
#   BENCH_WORK       scratch space (default /tmp/frontline-bench; this script uses its uncertain/)
#   BENCH_RESULTS    raw results go to its uncertain/ (default bench/results/uncertain/)
#   BENCH_UNCERTAIN  the numbers of uncertain events (default "5 50")
#   BENCH_UNC_STEPS  the steps timed (default "day event")
#   BENCH_RUNS       hyperfine runs per round (default 5), BENCH_ROUNDS (default 2), one warm-up each
#   BENCH_UNC_GOAL   the goal, uN / before (default 1.5)
#   BENCH_HARNESS, BENCH_HARNESS_BEFORE  bench/harness of each build (default: BUILD/bench/harness
#                    beside each binary, BUILD being two levels above it); BENCH_REPS (default 21)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
FRONTLINE=$(readlink -f "${FRONTLINE:-$ROOT/build/src/cli/frontline}")
BEFORE=${FRONTLINE_BEFORE:-}
DEEPSTATE=${DEEPSTATE:-$ROOT/../shared/data/deepstate}
WORK=${BENCH_WORK:-/tmp/frontline-bench}/uncertain
RES=${BENCH_RESULTS:-$HERE/results}/uncertain
COUNTS=${BENCH_UNCERTAIN:-5 50}
STEPS=${BENCH_UNC_STEPS:-day event}
RUNS=${BENCH_RUNS:-5}
ROUNDS=${BENCH_ROUNDS:-2}
GOAL=${BENCH_UNC_GOAL:-1.5}
REPS=${BENCH_REPS:-21}
PY=/usr/bin/python3
INDEX=.frontline-index

log() { printf '[uncertain %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "bench/uncertain.sh: $*" >&2; exit 1; }

[ -x "$FRONTLINE" ] || die "no frontline binary at $FRONTLINE (set FRONTLINE)"
if [ -n "$BEFORE" ]; then
	BEFORE=$(readlink -f "$BEFORE")
	[ -x "$BEFORE" ] || die "no frontline binary at $BEFORE (FRONTLINE_BEFORE)"
else
	log "FRONTLINE_BEFORE not set: timing the new tool only, ratios to its plain run"
fi
[ -d "$DEEPSTATE" ] || die "no DeepState data at $DEEPSTATE (set DEEPSTATE)"
command -v hyperfine >/dev/null || die "hyperfine is not installed (apt-get install hyperfine)"
mkdir -p "$WORK" "$RES"
rm -f "$RES"/*.json "$RES"/*.csv "$RES"/*.txt "$RES"/*.md

# ---------------------------------------------------------------- 1. the import, once
# shellcheck disable=SC2012 # as run.sh
mapfile -t FILES < <(ls "$DEEPSTATE"/deepstatemap_data_*.geojson | sort)
[ "${#FILES[@]}" -gt 60 ] || die "$DEEPSTATE holds ${#FILES[@]} daily files: too few for weeks of uncertainty"
PLAIN=$WORK/plain
stamp="$(stat -c '%n %s %Y' "${FILES[@]}" | md5sum | cut -c1-12) $(md5sum <"$FRONTLINE" | cut -c1-12)"
if [ "$(cat "$PLAIN/.stamp" 2>/dev/null)" != "$stamp" ]; then
	log "importing ${#FILES[@]} days into $PLAIN"
	rm -rf "$PLAIN"
	"$FRONTLINE" import-series --holder RU --other UA --out "$PLAIN" "${FILES[@]}" >/dev/null
	echo "$stamp" >"$PLAIN/.stamp"
fi

# fresh copies: each binary and each variant its own directory and index
fresh() { rm -rf "${WORK:?}/$1"; cp -r "$PLAIN" "$WORK/$1"; rm -f "$WORK/$1/$INDEX" "$WORK/$1/.stamp"; }
fresh new-plain
[ -z "$BEFORE" ] || fresh before-plain

# ---------------------------------------------------------------- 2. the uncertain copies
# mark DIR N: rewrites N events' dates in DIR/events.csv; writes DIR.periods.csv (id, old date,
# new date, the first and last day inside the period: the days whose stats sample it covers; and
# the first day the ground must be in doubt: the old date.  Before it, in a month moved to its first
# day, the event may confirm the holder, as where it retakes ground taken earlier that month)
mark() {
	"$PY" - "$1" "$2" <<'EOF'
import csv, datetime as dt, sys
d, n = sys.argv[1], int(sys.argv[2])
day = dt.date.fromisoformat
with open(f"{d}/events.csv", newline="") as f:
    rows = list(csv.reader(f))
head, body = rows[0], rows[1:]
DATE, KIND = head.index("date"), head.index("kind")
first = min(day(r[DATE]) for r in body)
last = max(day(r[DATE]) for r in body)
def month(x):
    a = x.replace(day=1)
    b = (a + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return a, b
# captures at least a week after the first day and a week before the last (the month one is the
# middle pick: its month lies inside the series)
cand = [i for i, r in enumerate(body) if r[KIND] != "baseline"
        and first + dt.timedelta(days=7) <= day(r[DATE]) <= last - dt.timedelta(days=8)]
if len(cand) < n:
    sys.exit(f"bench/uncertain.sh: only {len(cand)} events to choose from, {n} wanted")
picks = sorted({cand[int((k + 0.5) * len(cand) / n)] for k in range(n)})
mid = picks[len(picks) // 2]
out = []
for i in picks:
    r = body[i]
    old = day(r[DATE])
    if i == mid:
        a, b = month(old)
        assert first < a and b <= last, (a, b)
        new, lo, hi = old.strftime("%Y-%m"), a, b - dt.timedelta(days=1)
    else:
        new, lo, hi = f"{old}/{old + dt.timedelta(days=7)}", old, old + dt.timedelta(days=6)
    r[DATE] = new
    out.append((r[0], str(old), new, str(lo), str(hi), str(old)))
with open(f"{d}/events.csv", "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([head] + body)
with open(f"{d}.periods.csv", "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows([("id", "old", "new", "inside_from", "inside_to", "doubt_from")] + out)
print(f"{len(out)} events: " + ", ".join(o[2] for o in out[:3]) + (", ..." if len(out) > 3 else ""))
EOF
}
# warnings DIR: `frontline check`'s warnings, their line numbers and dates as written dropped
# (`on 2025-06 part of...`), sorted; fails on an error
warnings() {
	local out rc=0
	out=$("$FRONTLINE" -d "$1" check 2>&1) || rc=$?
	if [ "$rc" != 0 ] || ! grep -q ' 0 error(s)' <<<"$out"; then
		echo "$out" | tail -5 >&2
		die "check of $1 failed (exit $rc)"
	fi
	grep '^warning:' <<<"$out" | sed -E 's/^warning: events\.csv:[0-9]+:/warning: events.csv:/; s/, but on [^ ]+ part/, but part/' |
		sort || true
}
FAIL=0
"$FRONTLINE" -d "$WORK/new-plain" check >/dev/null 2>&1 || die "check of the plain tracker failed"
warnings "$WORK/new-plain" >"$WORK/plain.warnings"
VARIANTS=()
for n in $COUNTS; do
	v=u$n
	fresh "$v"
	log "$v: $(mark "$WORK/$v" "$n")"
	warnings "$WORK/$v" >"$WORK/$v.warnings"
	# new slivers of the precision grid may come with the month: its event moves before others
	extra=$(comm -13 "$WORK/plain.warnings" "$WORK/$v.warnings")
	slivers=$(grep -c 'a sliver of the precision grid$' <<<"$extra" || true)
	log "$v: check: 0 errors, $(wc -l <"$WORK/$v.warnings") warnings (the plain tracker: $(wc -l <"$WORK/plain.warnings")), $slivers new sliver(s)"
	[ -z "$extra" ] || while IFS= read -r l; do printf '    %s\n' "$l"; done <<<"$extra" >&2
	if [ -n "$extra" ] && grep -qv 'a sliver of the precision grid$' <<<"$extra"; then
		log "$v: check: a new warning that is not a sliver"
		FAIL=1
	fi
	VARIANTS+=("$v")
done

# ---------------------------------------------------------------- 3. time
# the commands: name -> binary and tracker
declare -A BIN=([plain]=$FRONTLINE) DIR=([plain]=$WORK/new-plain)
NAMES=()
if [ -n "$BEFORE" ]; then BIN[before]=$BEFORE DIR[before]=$WORK/before-plain NAMES+=(before); fi
NAMES+=(plain)
for v in "${VARIANTS[@]}"; do BIN[$v]=$FRONTLINE DIR[$v]=$WORK/$v NAMES+=("$v"); done

# warm: the first open of each tracker writes its index; the outputs checked below
for s in $STEPS; do
	for c in "${NAMES[@]}"; do
		"${BIN[$c]}" -d "${DIR[$c]}" stats --step "$s" -o "$WORK/$c.$s.csv"
		[ -f "${DIR[$c]}/$INDEX" ] || die "no $INDEX in ${DIR[$c]} after a first stats"
	done
done
log "indexes warm: $(for c in "${NAMES[@]}"; do printf '%s %s B  ' "$c" "$(stat -c %s "${DIR[$c]}/$INDEX")"; done)"

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for s in $STEPS; do
	for r in $(seq 1 "$ROUNDS"); do
		order=("${NAMES[@]}")
		if [ $((r % 2)) = 0 ]; then
			order=()
			for ((i = ${#NAMES[@]} - 1; i >= 0; i--)); do order+=("${NAMES[$i]}"); done
		fi
		args=()
		for c in "${order[@]}"; do args+=(-n "$c" "${BIN[$c]} -d ${DIR[$c]} stats --step $s"); done
		log "stats --step $s, round $r of $ROUNDS: ${order[*]}"
		hyperfine -N --style basic --runs "$RUNS" --warmup 1 --export-json "$RES/stats-$s.round$r.json" \
			"${args[@]}" >"$RES/stats-$s.round$r.txt" 2>&1 ||
			{ cat "$RES/stats-$s.round$r.txt" >&2; die "hyperfine failed"; }
	done
done

# warm: bench/harness of each build, when both have one
declare -A HB=()
HB[plain]=${BENCH_HARNESS:-$(dirname "$FRONTLINE")/../../bench/harness}
[ -z "$BEFORE" ] || HB[before]=${BENCH_HARNESS_BEFORE:-$(dirname "$BEFORE")/../../bench/harness}
WARM=1
for c in "${!HB[@]}"; do
	[ -x "${HB[$c]}" ] || { log "no bench/harness at ${HB[$c]}: no warm timing (meson configure BUILD -Dbench=true; ninja -C BUILD bench)"; WARM=0; }
done
if [ "$WARM" = 1 ]; then
	ops=()
	for s in $STEPS; do ops+=("stats:$s"); done
	for r in $(seq 1 "$ROUNDS"); do
		order=("${NAMES[@]}")
		if [ $((r % 2)) = 0 ]; then
			order=()
			for ((i = ${#NAMES[@]} - 1; i >= 0; i--)); do order+=("${NAMES[$i]}"); done
		fi
		log "warm (bench/harness, $REPS reps), round $r of $ROUNDS: ${order[*]}"
		for c in "${order[@]}"; do
			h=${HB[$c]:-${HB[plain]}}
			"$h" "${DIR[$c]}" "$REPS" "${ops[@]}" >"$RES/warm.$c.round$r.tsv" || die "$h ${DIR[$c]} failed"
		done
	done
fi
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- 4. ratios and checks
rc=0
"$PY" - "$RES" "$GOAL" "$RUNS" "$ROUNDS" "$WORK" "$STEPS" "${NAMES[*]}" "$LOAD0" "$LOAD1" \
	"$FRONTLINE" "$BEFORE" <<'EOF' || rc=$?
import csv, datetime as dt, glob, json, statistics, sys
res, goal, runs, rounds, work, steps, names, load0, load1, new, before = sys.argv[1:12]
goal, steps, names = float(goal), steps.split(), names.split()
base = "before" if "before" in names else "plain"
out, fail, missed = [], False, False
def say(line=""):
    out.append(line)
    print(line)

say(f"`stats` over the DeepState series, whole processes (`hyperfine -N`, {rounds} rounds of {runs} runs "
    f"after one warm-up, the order reversed each round; index warm), load average {load0} before, {load1} after")
say(f"- before: {before or '(not given)'}")
say(f"- new:    {new}")
for s in steps:
    times, cpu = {}, {}
    for f in sorted(glob.glob(f"{res}/stats-{s}.round*.json")):
        for r in json.load(open(f))["results"]:
            times.setdefault(r["command"], []).extend(r["times"])
            cpu.setdefault(r["command"], []).append(r["user"] + r["system"])
    b = statistics.median(times[base])
    bc = statistics.mean(cpu[base])
    say()
    say(f"`stats --step {s}` | median wall s | min s | CPU s (user+sys, mean) | wall / {base} | CPU / {base}")
    say("---|---|---|---|---|---")
    for c in names:
        m, mc = statistics.median(times[c]), statistics.mean(cpu[c])
        say(f"{c} | {m:.3f} | {min(times[c]):.3f} | {mc:.3f} | {m / b:.2f} | {mc / bc:.2f}")
        if s == "day" and c.startswith("u") and m / b > goal:
            missed = True
warm = sorted(glob.glob(f"{res}/warm.*.round*.tsv"))
if warm:
    med = {}
    for f in warm:
        c = f.split("/")[-1].split(".")[1]
        for line in open(f):
            op, m = line.split("\t")[:2]
            med.setdefault((c, op), []).append(float(m))
    ops = [f"stats:{s}" for s in steps]
    say()
    say(f"warm, bench/harness (tracker opened once; fl_stats_new + CSV rows in memory; median of each round's median) "
        "| " + " | ".join(f"{op} ms | / {base}" for op in ops))
    say("---|" + "---|---|" * len(ops))
    for c in names:
        cells = []
        for op in ops:
            m, b0 = statistics.median(med[(c, op)]), statistics.median(med[(base, op)])
            cells += [f"{m * 1e3:.3f}", f"{m / b0:.2f}"]
        say(f"{c} | " + " | ".join(cells))
say()
say(f"goal (every uN of step day within {goal}x of {base}, median wall): {'MISSED' if missed else 'met'}")

def rows(path):
    with open(path, newline="") as f:
        r = list(csv.DictReader(f))
    return r
def sample_day(s, date):
    # the day a row's sample falls in: step day samples at the end of its day, step event at the
    # event's instant (dates only in this tracker: the start of that day)
    return dt.date.fromisoformat(date[:10])

say()
say("checks:")
for s in steps:
    if base == "before":
        a, b = rows(f"{work}/before.{s}.csv"), rows(f"{work}/plain.{s}.csv")
        common = [k for k in a[0] if k in b[0]]
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if [x[k] for k in common] != [y[k] for k in common]]
        ok = len(a) == len(b) and not diff
        fail |= not ok
        say(f"- step {s}, plain tracker: before and new {'the same' if ok else 'DIFFER'} in {', '.join(common)} "
            f"({len(a)} and {len(b)} rows{', first difference at row %d' % (diff[0] + 2) if diff else ''})")
    p = rows(f"{work}/plain.{s}.csv")
    same = all(r["area_km2_min"] == r["area_km2"] == r["area_km2_max"] for r in p)
    fail |= not same
    say(f"- step {s}, plain tracker: area_km2_min = area_km2 = area_km2_max on {'every row' if same else 'NOT every row'}")
    pa = {(r["date"], r["holder"]): r["area_km2"] for r in p}
    for c in names:
        if not c.startswith("u"):
            continue
        per = rows(f"{work}/{c}.periods.csv")
        iso = dt.date.fromisoformat
        spans = [(iso(x["inside_from"]), iso(x["doubt_from"]), iso(x["inside_to"])) for x in per]
        mon = [x for x in per if "/" not in x["new"]]
        mfirst = iso(mon[0]["new"] + "-01") if mon else None
        u = rows(f"{work}/{c}.{s}.csv")
        bad_order = bad_in = bad_out = bad_nominal = n_in = n_out = n_nominal = n_may = may = 0
        for r in u:
            v, lo, hi = float(r["area_km2"]), float(r["area_km2_min"]), float(r["area_km2_max"])
            if not lo <= v <= hi:
                bad_order += 1
            d = sample_day(s, r["date"])
            if any(f <= d <= b for a, f, b in spans):
                n_in += 1
                bad_in += not lo < hi
            elif any(a <= d <= b for a, f, b in spans):
                n_may += 1  # the month before its event's old date: in doubt or not
                may += lo < hi
            else:
                n_out += 1
                bad_out += not r["area_km2_min"] == r["area_km2"] == r["area_km2_max"]
            if mfirst and d < mfirst and (r["date"], r["holder"]) in pa:
                n_nominal += 1
                bad_nominal += pa[(r["date"], r["holder"])] != r["area_km2"]
        ok = not (bad_order or bad_in or bad_out or bad_nominal) and n_in > 0
        fail |= not ok
        say(f"- step {s}, {c} ({len(per)} uncertain events, {len(u)} rows): min <= area_km2 <= max on "
            f"{len(u) - bad_order}/{len(u)} rows; min < max on {n_in - bad_in}/{n_in} rows inside the periods "
            f"(from the old date; on {may}/{n_may} of the month's rows before it); "
            f"min = area_km2 = max on {n_out - bad_out}/{n_out} rows outside; area_km2 the plain one's on "
            f"{n_nominal - bad_nominal}/{n_nominal} rows before {mfirst}{'' if ok else '  <-- FAILED'}")
with open(f"{res}/summary.md", "w") as f:
    f.write("\n".join(out) + "\n")
sys.exit(1 if fail else 2 if missed else 0)
EOF
[ "$rc" = 1 ] && FAIL=1
if [ "$rc" = 2 ] || [ "${BENCH_UNC_PROFILE:-0}" = 1 ]; then
	if command -v perf >/dev/null; then
		v=${VARIANTS[-1]}
		log "profiling $v, stats --step day (perf record -g) into $RES/profile.$v.txt"
		perf record -q -g -F 999 -o "$WORK/perf.data" -- "$FRONTLINE" -d "$WORK/$v" stats --step day \
			-o "$WORK/prof.csv" >/dev/null 2>&1 || true
		perf report -i "$WORK/perf.data" --children --sort symbol --stdio -g none 2>/dev/null |
			grep -E '^ +[0-9]' | head -40 >"$RES/profile.$v.txt" || true
		cat "$RES/profile.$v.txt" >&2
		rm -f "$WORK/perf.data" "$WORK/perf.data.old"
	else
		log "perf is not installed: no profile"
	fi
fi
log "results in $RES/ (summary.md, the hyperfine JSON); the CSVs in $WORK/"
exit "$FAIL"
