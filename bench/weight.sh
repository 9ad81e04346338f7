#!/bin/bash
# bench/weight.sh: the population series of the DeepState tracker (issue 23, "People"):
# `frontline stats --step day --weight RASTER` against the zonal sums a user would otherwise compute
# per day in Python (rasterio + numpy, bench/weight_peers.py series), side by side.  Not part of CI.
#
#   bash bench/weight.sh
#
# 1. imports the DeepState series once with `frontline import-series --holder RU --other UA` (as
#    run.sh does) into $BENCH_WORK/weight/ds (kept while the files and the binary are the same) and
#    opens it once (the index is warm in every timing below);
# 2. writes a SYNTHETIC population raster with numpy (weight_peers.py gen: float32 counts, tiled
#    DEFLATE GeoTIFF) of BENCH_WEIGHT_RES-metre cells (default 100) in World Mollweide (ESRI:54009,
#    the CRS of GHSL's 100 m population grid) over the extent of the tracker's polygons (kept while
#    its stamp matches);
# 3. times, each as a whole process with GNU time (wall, and user + system CPU):
#      cold   frontline with its cache of the raster's sums removed first (BENCH_COLD runs, default 3):
#             the raster read, the atoms' zonal sums, the series
#      warm   frontline again (BENCH_RUNS runs, default 10): the sums read from the cache
#      plain  frontline without --weight (the area series alone), for scale
#      python weight_peers.py series over every BENCH_WEIGHT_EVERY-th day (default 8; 1 = all 769),
#             once; its time per day (the loop, start-up apart) extrapolated to every day
# 4. checks the sums: frontline's RU column against Python's on the sampled days (cells split by
#    area share against cells counted by their centre: the difference is the cells along the line),
#    and prints medians and ratios to $BENCH_RESULTS/weight/summary.md.
#
# Environment (all optional):
#   FRONTLINE          the binary (default <repo>/build/src/cli/frontline)
#   DEEPSTATE          the daily polygons (default <repo>/../shared/data/deepstate)
#   BENCH_WORK         scratch space (default /tmp/frontline-bench; this script uses its weight/)
#   BENCH_RESULTS      raw results go to its weight/ (default bench/results/)
#   BENCH_WEIGHT_RES, BENCH_WEIGHT_EVERY, BENCH_COLD, BENCH_RUNS   as above
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
FRONTLINE=$(readlink -f "${FRONTLINE:-$ROOT/build/src/cli/frontline}")
DEEPSTATE=${DEEPSTATE:-$ROOT/../shared/data/deepstate}
WORK=${BENCH_WORK:-/tmp/frontline-bench}/weight
RES=${BENCH_RESULTS:-$HERE/results}/weight
GRID=${BENCH_WEIGHT_RES:-100}
EVERY=${BENCH_WEIGHT_EVERY:-8}
COLD=${BENCH_COLD:-3}
RUNS=${BENCH_RUNS:-10}
PY=/usr/bin/python3
mkdir -p "$WORK" "$RES"
log() { echo "weight.sh: $*" >&2; }

mapfile -t FILES < <(ls "$DEEPSTATE"/deepstatemap_data_*.geojson | sort)
TR=$WORK/ds
stamp="$(md5sum "$FRONTLINE" | cut -c1-12) ${#FILES[@]} $(basename "${FILES[-1]}")"
if [ "$(cat "$WORK/ds.stamp" 2>/dev/null)" != "$stamp" ]; then
	log "importing ${#FILES[@]} days into $TR"
	rm -rf "$TR"
	"$FRONTLINE" import-series --holder RU --other UA --out "$TR" "${FILES[@]}" >/dev/null
	echo "$stamp" >"$WORK/ds.stamp"
fi
"$FRONTLINE" -d "$TR" stats --step day >/dev/null # the index written

RASTER=$WORK/pop-${GRID}m.tif
rstamp="$GRID $(md5sum "$HERE/weight_peers.py" | cut -c1-12) $stamp"
if [ "$(cat "$RASTER.stamp" 2>/dev/null)" != "$rstamp" ]; then
	log "generating $RASTER"
	"$PY" "$HERE/weight_peers.py" gen "$RASTER" --tracker "$TR" --res "$GRID" >"$RASTER.txt"
	echo "$rstamp" >"$RASTER.stamp"
fi
cp "$RASTER.txt" "$RES/gen.txt"

# one timed run: label, then the command; "wall user sys" appended to $RES/LABEL.times
timed() {
	local label=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$RES/$label.time1" "$@"
	cat "$RES/$label.time1" >>"$RES/$label.times"
	rm -f "$RES/$label.time1"
}
rm -f "$RES"/*.times
for _ in $(seq "$COLD"); do
	rm -f "$TR"/.frontline-index-weight-*
	timed cold "$FRONTLINE" -d "$TR" stats --step day --weight "$RASTER" -o "$RES/frontline.csv"
done
for _ in $(seq "$RUNS"); do
	timed warm "$FRONTLINE" -d "$TR" stats --step day --weight "$RASTER" -o "$RES/frontline.csv"
	timed plain "$FRONTLINE" -d "$TR" stats --step day -o /dev/null
done
log "python: every $EVERY-th of ${#FILES[@]} days"
timed python "$PY" "$HERE/weight_peers.py" series "$RASTER" --every "$EVERY" "${FILES[@]}" \
	>"$RES/python.csv" 2>"$RES/python.log"

"$PY" - "$RES" "${#FILES[@]}" "$GRID" "$EVERY" "$(cat "$RES/gen.txt")" <<'EOF' | tee "$RES/summary.md"
import csv, re, statistics, sys
res, ndays, grid, every, gen = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
def times(label):
    rows = [list(map(float, l.split())) for l in open("%s/%s.times" % (res, label)) if l.strip()]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] + r[2] for r in rows), len(rows)
cold, warm, plain, py = times("cold"), times("warm"), times("plain"), times("python")
m = re.search(r"start-up ([\d.]+) s, (\d+) days in ([\d.]+) s", open(res + "/python.log").read())
start, n, loop = float(m.group(1)), int(m.group(2)), float(m.group(3))
est = start + loop * ndays / n
# CPU of the python run extrapolated the same way (its share of the loop in its wall time)
est_cpu = py[1] * est / py[0]
# the weight's column is the last
fl = {r["date"]: float(list(r.values())[-1])
      for r in csv.DictReader(open(res + "/frontline.csv")) if r["holder"] == "RU"}
diffs = []
for r in csv.DictReader(open(res + "/python.csv")):
    a, b = fl[r["date"]], float(r["people"])
    diffs.append(abs(a - b) / b)
print("# Population series (bench/weight.sh)\n")
print("raster: %s (synthetic)\n" % gen)
print("| | wall (median) | CPU user+sys (median) | runs |")
print("|---|---|---|---|")
print("| frontline, cache cold | %.2f s | %.2f s | %d |" % (cold[0], cold[1], cold[2]))
print("| frontline, cache warm | %.3f s | %.3f s | %d |" % (warm[0], warm[1], warm[2]))
print("| frontline, no --weight | %.3f s | %.3f s | %d |" % (plain[0], plain[1], plain[2]))
print("| python, %d of %d days | %.1f s | %.1f s | 1 |" % (n, ndays, py[0], py[1]))
print("| python, all %d days (extrapolated) | %.0f s | %.0f s | |" % (ndays, est, est_cpu))
print()
print("ratios (python, all days / frontline): warm %.0fx wall, %.0fx CPU; cold %.0fx wall, %.0fx CPU"
      % (est / warm[0], est_cpu / warm[1], est / cold[0], est_cpu / cold[1]))
print("sums, RU, on the %d sampled days: frontline vs python, largest relative difference %.2e, median %.2e"
      % (len(diffs), max(diffs), statistics.median(diffs)))
EOF
