#!/bin/bash
# bench/tiles.sh: the whole history as vector tiles (issue 24), against the per-day pipeline a user
# runs instead, and the static site's tiles from nginx against `frontline serve`'s.  Not part of CI.
#
#   bash bench/tiles.sh                 # FRONTLINE=... to time another build
#
# 1. Trackers: the DeepState series (every daily file of DEEPSTATE, imported with import-series as
#    bench/run.sh does) and the generated tracker of 10,000 regions (bench/gen_tracker.py, seed 42,
#    BENCH_TILE_EVENTS events, default 10,000: dates on about 3,400 days).
# 2. frontline: `export -o T.pmtiles` and `-o T.mbtiles` (--maxzoom: DS_ZOOM, default 10, for
#    DeepState, whose tracker has no regions; the zooms chosen from the data, 0-9, for the
#    generated one), BENCH_RUNS runs each (default 3), median wall and user + system CPU, peak RSS,
#    file size.  The tracker's index is made first (one `stats` run, not timed), as a user's is.
# 3. The per-day pipeline: `frontline snapshot --date D -o day.geojson` then GDAL's MBTiles writer
#    (`ogr2ogr -f MBTiles day.mbtiles day.geojson -dsco MINZOOM=0 -dsco MAXZOOM=Z`, the same zooms),
#    one tile set per day.  The full run (769 days of DeepState, ~3,400 of the generated tracker,
#    up to 20 s a day) takes hours, so BENCH_SAMPLE days (default 12) spread evenly over the days
#    of change are timed and the mean per day is multiplied by the number of days: time and size
#    of the whole per-day run are extrapolated (said so in the table).
# 4. Serving: the site of `export --site` (DeepState, DS_ZOOM) from nginx (the static host:
#    HTTP range requests into control.pmtiles, as the browser sends them) against
#    `frontline serve`'s OGC API - Tiles (/collections/control/tiles/WebMercatorQuad/z/y/x, the
#    same tiles), wrk -t2 -c16 -d$DURATION cycling through every tile of zoom 0 to DS_ZOOM, after
#    one warm-up pass; median of REPEAT rounds (default 3), alternating.
# Results: a Markdown table on stdout and in $RES/summary.md, raw /usr/bin/time and wrk outputs in
# $RES (default bench/results/tiles).  BENCH_TILE_PARTS="export serve" (default: both) runs a part
# alone; the summary then takes the other's table from $RES as an earlier run left it.  Needs (Debian 12): gdal-bin, time, wrk, nginx, python3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
FRONTLINE=${FRONTLINE:-$ROOT/build/src/cli/frontline}
DEEPSTATE=${DEEPSTATE:-$ROOT/../shared/data/deepstate}
WORK=${BENCH_WORK:-/tmp/frontline-bench}/tiles
RES=${BENCH_RESULTS:-$HERE/results}/tiles
RUNS=${BENCH_RUNS:-3}
SAMPLE=${BENCH_SAMPLE:-12}
DS_ZOOM=${DS_ZOOM:-10}
EVENTS=${BENCH_TILE_EVENTS:-10000}
DURATION=${DURATION:-8s}
REPEAT=${REPEAT:-3}
PARTS=${BENCH_TILE_PARTS:-export serve}
PY=/usr/bin/python3
need=""
for c in ogr2ogr:gdal-bin wrk:wrk /usr/bin/time:time; do
	command -v "${c%%:*}" >/dev/null || need="$need ${c#*:}"
done
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need="$need nginx-light"
if [ -n "$need" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq $need >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$FRONTLINE" ] || { echo "bench/tiles.sh: no $FRONTLINE (bash scripts/setup.sh)" >&2; exit 1; }
mkdir -p "$WORK" "$RES"
log() { echo "bench/tiles.sh: $*" >&2; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# timed KEY CMD...: one run under GNU time; prints "wall cpu rss_kb"
timed() {
	local key=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$RES/$key.time" "$@" >/dev/null 2>"$RES/$key.err" ||
		{ cat "$RES/$key.err" >&2; exit 1; }
	awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$RES/$key.time"
}

# trackers
mapfile -t DS_FILES < <(ls "$DEEPSTATE"/deepstatemap_data_*.geojson | sort)
if [ ! -f "$WORK/ds/events.csv" ]; then
	log "importing ${#DS_FILES[@]} DeepState days"
	rm -rf "$WORK/ds"
	"$FRONTLINE" import-series --holder RU --other UA --out "$WORK/ds" "${DS_FILES[@]}" >/dev/null
fi
if [ ! -f "$WORK/gen/events.csv" ]; then
	log "generating 10,000 regions, $EVENTS events"
	rm -rf "$WORK/gen"
	"$PY" "$HERE/gen_tracker.py" gen "$WORK/gen" --seed 42 --regions 10000 --events "$EVENTS"
fi
for t in ds gen; do "$FRONTLINE" -d "$WORK/$t" stats --step month >/dev/null; done

# days T: the days of change of tracker T (one a line)
days() { tail -n +2 "$WORK/$1/events.csv" | cut -d, -f2 | cut -c1-10 | sort -u; }

has() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
if has export; then
{
echo "| tracker | days | tiles | frontline export: wall (CPU), size | per-day pipeline, extrapolated: wall (CPU), size | faster (CPU) | smaller |"
echo "|---|---:|---|---:|---:|---:|---:|"
} >"$RES/export.md"
for t in ds gen; do
	zopt=(); zmax=""
	if [ "$t" = ds ]; then zopt=(--maxzoom "$DS_ZOOM"); fi
	for fmt in pmtiles mbtiles; do
		: >"$RES/$t.$fmt.runs"
		for r in $(seq "$RUNS"); do
			rm -f "$WORK/$t.$fmt"
			timed "$t.$fmt.$r" "$FRONTLINE" -d "$WORK/$t" export -o "$WORK/$t.$fmt" "${zopt[@]}" >>"$RES/$t.$fmt.runs"
		done
	done
	zmax=$("$PY" -c "import sys; sys.path.insert(0, '$ROOT/tests/cli'); import pmtiles_reader as p
print(p.header(open('$WORK/$t.pmtiles', 'rb').read())['max_zoom'])")
	mapfile -t ALL < <(days "$t")
	ndays=${#ALL[@]}
	[ "$t" = ds ] && ndays=${#DS_FILES[@]}
	: >"$RES/$t.perday.runs"
	for k in $(seq 0 $((SAMPLE - 1))); do
		d=${ALL[$(( (k * (${#ALL[@]} - 1)) / (SAMPLE - 1) ))]}
		rm -f "$WORK/day.geojson" "$WORK/day.mbtiles"
		a=$(timed "$t.snap.$k" "$FRONTLINE" -d "$WORK/$t" snapshot --date "$d" -o "$WORK/day.geojson")
		b=$(timed "$t.ogr.$k" ogr2ogr -f MBTiles "$WORK/day.mbtiles" "$WORK/day.geojson" \
			-dsco MINZOOM=0 -dsco MAXZOOM="$zmax")
		echo "$d $a $b $(stat -c %s "$WORK/day.mbtiles")" >>"$RES/$t.perday.runs"
	done
	"$PY" - "$t" "$ndays" "$zmax" "$RES" "$WORK" >>"$RES/export.md" <<'PYEOF'
import os, statistics, sys
t, ndays, zmax, res, work = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
def runs(fmt):
    rows = [l.split() for l in open(os.path.join(res, "%s.%s.runs" % (t, fmt)))]
    return statistics.median(float(r[0]) for r in rows), statistics.median(float(r[1]) for r in rows)
per = [l.split() for l in open(os.path.join(res, "%s.perday.runs" % t))]
wall = statistics.mean(float(r[1]) + float(r[4]) for r in per)
cpu = statistics.mean(float(r[2]) + float(r[5]) for r in per)
size = statistics.mean(float(r[7]) for r in per)
name = {"ds": "DeepState (import-series)", "gen": "generated, 10,000 regions"}[t]
pw, pc = runs("pmtiles")
mw, mc = runs("mbtiles")
ps = os.path.getsize(os.path.join(work, t + ".pmtiles"))
ms = os.path.getsize(os.path.join(work, t + ".mbtiles"))
tot_t, tot_c, tot_s = wall * ndays, cpu * ndays, size * ndays
for fmt, w, c, s in (("PMTiles", pw, pc, ps), ("MBTiles", mw, mc, ms)):
    print("| %s | %d | %s, z0-%s | %.2f s (%.2f s), %.2f MB | %.0f s = %.1f h (%.0f s), %.0f MB: %.2f s (%.2f s) and %.2f MB a day x %d | %.0fx (%.0fx) | %.0fx |"
          % (name, ndays, fmt, zmax, w, c, s / 1e6, tot_t, tot_t / 3600, tot_c, tot_s / 1e6, wall, cpu, size / 1e6,
             ndays, tot_t / w, tot_c / c, tot_s / s))
PYEOF
done
fi

# serving: nginx (static site) against frontline serve (OGC API - Tiles)
if has serve; then
log "serving"
tmp=$(mktemp -d /tmp/fl-tiles-XXXXXX)
fl_pid=""; ng_pid=""
cleanup() {
	[ -n "$fl_pid" ] && kill "$fl_pid" 2>/dev/null || true
	[ -n "$ng_pid" ] && kill "$ng_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
"$FRONTLINE" -d "$WORK/ds" export --site "$tmp/www" --maxzoom "$DS_ZOOM"
chmod -R a+rX "$tmp"
"$PY" - "$tmp" <<PYEOF
import sys
sys.path.insert(0, "$ROOT/tests/cli")
import pmtiles_reader as p
tmp = sys.argv[1]
b = open(tmp + "/www/control.pmtiles", "rb").read()
h = p.header(b)
ng, fl = [], []
for tid, off, length, run in p.entries(b, h):
    for k in range(run):
        z, x, y = p.zxy(tid + k)
        s = h["data_offset"] + off
        ng.append('{"/control.pmtiles", "bytes=%d-%d"}' % (s, s + length - 1))
        fl.append('{"/collections/control/tiles/WebMercatorQuad/%d/%d/%d", nil}' % (z, y, x))
lua = """local reqs = {%s}
local i = 0
request = function()
  i = i %% #reqs + 1
  local r = reqs[i]
  if r[2] then return wrk.format("GET", r[1], {["Range"] = r[2]}) end
  return wrk.format("GET", r[1])
end
"""
open(tmp + "/ng.lua", "w").write(lua % ",\n".join(ng))
open(tmp + "/fl.lua", "w").write(lua % ",\n".join(fl))
open(tmp + "/ntiles", "w").write(str(len(ng)))
PYEOF
NTILES=$(cat "$tmp/ntiles")
"$FRONTLINE" -d "$WORK/ds" serve --port 0 2>"$tmp/serve.log" &
fl_pid=$!
for _ in $(seq 300); do grep -q "listening on" "$tmp/serve.log" 2>/dev/null && break; sleep 0.1; done
FL=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/serve.log" | head -1)
[ -n "$FL" ] || { cat "$tmp/serve.log"; exit 1; }
NGPORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 1000000;
	client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy; fastcgi_temp_path $tmp/fcgi;
	uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;
	types { application/octet-stream pmtiles; }
	server { listen 127.0.0.1:$NGPORT; root $tmp/www; }
}
CONF
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" &
ng_pid=$!
sleep 1
NG="http://127.0.0.1:$NGPORT"
run() { # base lua -> req/s
	local out
	out=$(wrk -t2 -c16 -d"$DURATION" -s "$2" "$1")
	if echo "$out" | grep -qE 'Socket errors|Non-2xx'; then
		echo "$out" >&2; echo "bench/tiles.sh: errors against $1" >&2; exit 1
	fi
	echo "$out" >>"$RES/wrk.txt"
	echo "$out" | awk '/Requests\/sec/ {print $2}'
}
: >"$RES/wrk.txt"
# a warm-up pass through every tile: serve's cache filled, nginx's file in the page cache
wrk -t1 -c1 -d3s -s "$tmp/fl.lua" "$FL" >/dev/null
wrk -t1 -c1 -d1s -s "$tmp/ng.lua" "$NG" >/dev/null
: >"$tmp/f"; : >"$tmp/n"
for r in $(seq "$REPEAT"); do
	if [ $((r % 2)) -eq 1 ]; then run "$FL" "$tmp/fl.lua" >>"$tmp/f"; run "$NG" "$tmp/ng.lua" >>"$tmp/n"
	else run "$NG" "$tmp/ng.lua" >>"$tmp/n"; run "$FL" "$tmp/fl.lua" >>"$tmp/f"; fi
done
frps=$(median <"$tmp/f"); nrps=$(median <"$tmp/n")
{
	echo "Serving the DeepState tiles (z0-$DS_ZOOM, $NTILES tiles, each requested in turn), wrk -t2 -c16 -d$DURATION,"
	echo "median of $REPEAT rounds; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end:"
	echo
	echo "| server | req/s |"
	echo "|---|---:|"
	echo "| nginx, the static site (range requests into control.pmtiles) | $nrps |"
	echo "| frontline serve, OGC API - Tiles | $frps |"
	echo "| nginx / frontline serve | $("$PY" -c "print('%.1f' % ($nrps / $frps))") |"
} >"$RES/serve.md"
fi
{
	echo "Per-day pipeline: frontline snapshot + ogr2ogr -f MBTiles for $SAMPLE days spread over the days of"
	echo "change, the mean per day times the number of days (extrapolated, not run in full).  Wall and"
	echo "CPU (user + system) times, medians of $RUNS runs for the export; CPU is the steadier measure on a"
	echo "shared machine."
	echo
	cat "$RES/export.md"
	echo
	cat "$RES/serve.md"
} | tee "$RES/summary.md"
