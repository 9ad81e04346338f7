#!/bin/bash
# bench/run.sh: frontline against the tools a user would use instead, side by side, as whole
# processes (hyperfine) and warm (psql \timing, bench/harness); peak memory with GNU time -v.
# Writes the results into bench/README.md between the result markers (a rerun replaces them)
# and the raw measurements into bench/results/.  Not part of CI; run as root on Debian 12:
#
#   bash bench/run.sh
#   bash bench/run.sh --compare OLD_BUILD_DIR NEW_BUILD_DIR
#
# --compare: two builds side by side in the same run (a "before" and an "after"), frontline's
# measurements only (no PostgreSQL, no peers): each hyperfine run times both builds' commands,
# BENCH_ROUNDS times with the order swapped each round, and bench/harness of each build runs in
# turn; each build gets its own copy of every tracker (its own .frontline-index).  Prints a table of
# medians and new / old, also written to $BENCH_RESULTS/compare/compare.md with the raw numbers
# beside it; bench/README.md is not touched.
#
# Environment (all optional):
#   FRONTLINE        the binary to measure (default: <repo>/build/src/cli/frontline; built with
#                    scripts/setup.sh when that default is missing)
#   FRONTLINE_BUILD  its Meson build dir, where bench/harness and bench/gdal_write are built
#                    (meson -Dbench=true; default: two levels above FRONTLINE)
#   DEEPSTATE        the daily polygons (default: <repo>/../shared/data/deepstate)
#   BENCH_WORK       scratch space: generated trackers, outputs (default: /tmp/frontline-bench)
#   BENCH_PARTS      "deepstate generated scale profile" (default: all); also "uncertain" (not a
#                    default: bench/uncertain.sh, stats with uncertain dates against FRONTLINE_BEFORE,
#                    or with --compare against OLD_BUILD; results in $BENCH_RESULTS/uncertain/),
#                    and "animate" (not a default: bench/animate.sh, the 2020 war as a daily GIF and
#                    WebP against QGIS's animation export; results in $BENCH_RESULTS/animate/)
#   BENCH_EVENTS     sizes of the generated tracker in events (default: "100000 1000000")
#   BENCH_SCALE      extra sizes whose load time alone is measured (default: "10000 30000")
#   BENCH_REGIONS    regions of the generated tracker (default: 10000); BENCH_SEED (default: 42)
#   BENCH_GEN_SECONDS  1 (default): the generated events' dates are instants to the second
#                    (gen_tracker.py --seconds), as real logs have; 0: dates only
#   BENCH_TIMEOUT    seconds allowed to any one process (default: 600)
#   BENCH_RUNS       hyperfine runs of fast commands (default: 10); BENCH_SLOW_RUNS (default: 3)
#   BENCH_REPS       repetitions of warm measurements (default: 7)
#   BENCH_RESULTS, BENCH_README  where the raw results and the results section go (default:
#                    bench/results/ and bench/README.md; point them elsewhere for a trial run)
#   BENCH_ROUNDS     --compare: rounds, the builds' order swapped each round (default: 2)
#   BENCH_TOLERANCE  --compare: new / old beyond 1 +- this is marked slower or faster (default 0.05)
set -euo pipefail

COMPARE=""
if [ "${1:-}" = --compare ]; then
	[ $# = 3 ] || { echo "usage: bash bench/run.sh [--compare OLD_BUILD_DIR NEW_BUILD_DIR]" >&2; exit 2; }
	COMPARE=1 OLD_BUILD=$2 NEW_BUILD=$3
elif [ $# != 0 ]; then
	echo "usage: bash bench/run.sh [--compare OLD_BUILD_DIR NEW_BUILD_DIR]" >&2
	exit 2
fi

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
FRONTLINE=${FRONTLINE:-$ROOT/build/src/cli/frontline}
DEEPSTATE=${DEEPSTATE:-$ROOT/../shared/data/deepstate}
WORK=${BENCH_WORK:-/tmp/frontline-bench}
PARTS=${BENCH_PARTS:-deepstate generated scale profile}
EVENTS=${BENCH_EVENTS:-100000 1000000}
SCALE=${BENCH_SCALE:-10000 30000}
REGIONS=${BENCH_REGIONS:-10000}
SEED=${BENCH_SEED:-42}
GEN_SECONDS=${BENCH_GEN_SECONDS:-1}
TMO=${BENCH_TIMEOUT:-600}
RUNS=${BENCH_RUNS:-10}
SLOW_RUNS=${BENCH_SLOW_RUNS:-3}
REPS=${BENCH_REPS:-7}
PY=/usr/bin/python3          # Debian's, with python3-geopandas & co.
RES=${BENCH_RESULTS:-$HERE/results}
README=${BENCH_README:-$HERE/README.md}
DB=$RES/measurements.jsonl
PGBIN=/usr/lib/postgresql/15/bin

log() { local m="$*"; [ ${#m} -le 240 ] || m="${m:0:240}..."; printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$m" >&2; }
rec() { "$PY" "$HERE/report.py" "$DB" "$@"; }
has_part() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# ---------------------------------------------------------------- install
PKGS="hyperfine time gdal-bin python3-geopandas python3-pyproj python3-shapely python3-numpy
      postgresql-15 postgresql-15-postgis-3 linux-perf gcc pkg-config"
if [ -n "$COMPARE" ]; then PKGS="hyperfine time python3-shapely python3-numpy gcc pkg-config"; fi
if has_part animate; then PKGS="$PKGS python3-qgis python3-pil webp libgif-dev libpng-dev"; fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	log "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# ---------------------------------------------------------------- the harness (libfrontline, warm)
# harness_for BUILD: sets HARNESS and GDALW to bench/harness (linked against BUILD's libfrontline)
# and bench/gdal_write (GDAL's GeoJSON writer alone, writing frontline's answers again: the floor
# under its output), built by meson in BUILD (-Dbench=true, set here when BUILD lacks it).  A
# build of a source tree older than that option (a "before" build measured side by side) gets
# them compiled here from its own source tree's bench/ (ours when it has none), with cc against
# that build's library.
harness_for() {
	local build=$1 src tag
	[ -f "$build/build.ninja" ] || { echo "bench: $build is not a Meson build dir (set FRONTLINE_BUILD)" >&2; exit 1; }
	if meson introspect "$build" --buildoptions | grep -q '"name": "bench"'; then
		if ! grep -q 'bench/harness' "$build/build.ninja"; then
			log "configuring $build with -Dbench=true"
			meson configure "$build" -Dbench=true >/dev/null
		fi
		ninja -C "$build" bench >/dev/null
		HARNESS=$build/bench/harness
		GDALW=$build/bench/gdal_write
	else
		log "$build has no bench option (an older source tree): compiling bench/harness with cc"
		src=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
			"$build/meson-info/meson-info.json" 2>/dev/null || true)
		[ -f "$src/bench/harness.c" ] || src=$ROOT
		tag=$(printf '%s' "$build" | md5sum | cut -c1-8)
		mkdir -p "$WORK"
		HARNESS=$WORK/harness-$tag
		GDALW=$WORK/gdal_write-$tag
		FLAGS=$(PKG_CONFIG_PATH=$build/meson-uninstalled pkg-config --cflags --libs frontline)
		# shellcheck disable=SC2086
		cc -O2 -std=c17 -Wall -o "$HARNESS" "$src/bench/harness.c" $FLAGS -Wl,-rpath,"$build/src"
		# shellcheck disable=SC2046
		cc -O2 -std=c17 -Wall -o "$GDALW" "$src/bench/gdal_write.c" $(pkg-config --cflags --libs gdal)
	fi
	if [ ! -x "$HARNESS" ] || [ ! -x "$GDALW" ]; then echo "bench: no $HARNESS or $GDALW after building" >&2; exit 1; fi
}

# ds_series: DS_FILES (the daily polygons, sorted), D1 (the first day), D2 and D2_FILE (the first
# day at least a year after D1; the last day of a shorter series)
ds_date() { basename "$1" .geojson | sed -E 's/.*_([0-9]{4})([0-9]{2})([0-9]{2})$/\1-\2-\3/'; }
ds_series() {
	local f d
	mapfile -t DS_FILES < <(ls "$DEEPSTATE"/deepstatemap_data_*.geojson | sort)
	D1=$(ds_date "${DS_FILES[0]}")
	D2=""
	for f in "${DS_FILES[@]}"; do
		d=$(ds_date "$f")
		if [[ "$d" > "$(date -u -d "$D1 + 1 year - 1 day" +%F)" ]]; then D2=$d; D2_FILE=$f; break; fi
	done
	if [ -z "$D2" ]; then D2_FILE=${DS_FILES[-1]}; D2=$(ds_date "$D2_FILE"); fi
}

# the generated trackers: the dates of the queries, the bench/harness ops, the trackers
G_DATE=2020-06-30 G_D1=2019-06-30 G_D2=2020-06-30 G_M1=2015-01-01 G_M2=2024-12-31
# the region of `log --region` (r00000 .. r09999 at 10,000 regions)
G_REGION=$(printf 'r%05d' $((REGIONS / 2)))
G_OPS=("snapshot:region:$G_DATE" "snapshot:actor:$G_DATE" "diff:region:$G_D1:$G_D2" "diff:actor:$G_D1:$G_D2"
       "stats:month:$G_M1:$G_M2")
# the same answers without their GeoJSON: the engine's part (geometry as WKB)
G_WKB=("wkb:snapshot:region:$G_DATE" "wkb:snapshot:actor:$G_DATE" "wkb:diff:region:$G_D1:$G_D2"
       "wkb:diff:actor:$G_D1:$G_D2")

# gen N: the generated tracker of N events (reused when its stamp matches)
gen() {
	local dir=$WORK/gen-$1 secs=() stamp
	[ "$GEN_SECONDS" = 1 ] && secs=(--seconds)
	stamp="seed $SEED regions $REGIONS events $1 ${secs[*]} $(md5sum "$HERE/gen_tracker.py" | cut -c1-12)"
	if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
		log "generating $dir"
		rm -rf "$dir"
		"$PY" "$HERE/gen_tracker.py" gen "$dir" --seed "$SEED" --regions "$REGIONS" --events "$1" "${secs[@]}"
		echo "$stamp" >"$dir/.stamp"
	fi
	echo "$dir"
}

# ================================================================ two builds side by side
if [ -n "$COMPARE" ]; then
	# shellcheck source=bench/compare.sh
	. "$HERE/compare.sh"
	exit 0
fi

if [ ! -x "$FRONTLINE" ] && [ "$FRONTLINE" = "$ROOT/build/src/cli/frontline" ]; then
	log "building frontline (scripts/setup.sh)"
	bash "$ROOT/scripts/setup.sh"
fi
[ -x "$FRONTLINE" ] || { echo "bench: no frontline binary at $FRONTLINE" >&2; exit 1; }
FRONTLINE=$(readlink -f "$FRONTLINE")
BUILD=${FRONTLINE_BUILD:-$(cd "$(dirname "$FRONTLINE")/../.." && pwd)}

mkdir -p "$WORK" "$RES"
rm -f "$RES"/*.json "$RES"/*.txt "$RES"/*.time "$RES"/*.tsv "$DB"

harness_for "$BUILD"

# ---------------------------------------------------------------- a throw-away PostgreSQL
PGTMP=$(mktemp -d /tmp/frontline-bench-pg.XXXXXX)
chown postgres: "$PGTMP"
chmod 700 "$PGTMP"
PGPORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PGSETTINGS="-c fsync=off -c timezone=UTC -c shared_buffers=512MB -c work_mem=64MB"
cleanup() {
	if [ -f "$PGTMP/data/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$PGTMP"
}
trap cleanup EXIT
log "starting PostgreSQL in $PGTMP (port $PGPORT)"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -A trust -U postgres -E UTF8 --no-sync >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w \
	-o "-k $PGTMP -p $PGPORT -c listen_addresses='' $PGSETTINGS" start >/dev/null
export PGOPTIONS="-c client_min_messages=warning"
PSQL="psql -h $PGTMP -p $PGPORT -U postgres -X -q -v ON_ERROR_STOP=1"
newdb() { $PSQL -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" && $PSQL -d "$1" -c "CREATE EXTENSION postgis"; }

# ---------------------------------------------------------------- machine and versions
pyv=$("$PY" -c 'import sys, geopandas, shapely, pyproj; print("Python %s, geopandas %s, shapely %s, pyproj %s" % (sys.version.split()[0], geopandas.__version__, shapely.__version__, pyproj.__version__))')
newdb bench
rec info date "$(date -u +'%Y-%m-%d %H:%M UTC')"
rec info machine "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f GB RAM", $2/1048576}' /proc/meminfo), Linux $(uname -r)"
rec info frontline "$("$FRONTLINE" --version), $FRONTLINE; source $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), last engine change $(git -C "$ROOT" log -1 --format='%h %cs' -- src include 2>/dev/null || echo '?')"
rec info versions "$(ogrinfo --version | cut -d, -f1), GEOS $(geos-config --version), PROJ $(pkg-config --modversion proj), $("$PGBIN/postgres" --version), PostGIS $($PSQL -d bench -Atc 'SELECT postgis_lib_version()'), $pyv, $(hyperfine --version)"
rec info postgres_settings "initdb in a temp dir, unix socket only, $PGSETTINGS, other settings default (JIT on, 2 parallel workers per gather)"
rec info load_before "$(cut -d' ' -f1-3 /proc/loadavg) (load average over 1, 5, 15 min when the run started)"
rec info timeout "$TMO"

# hf KEY RUNS WARMUP COMMAND [hyperfine args...]: whole processes, then one run under GNU time -v
hf() {
	local key=$1 runs=$2 warm=$3 cmd=$4 rc=0
	shift 4
	log "$key: $cmd"
	timeout "$((TMO * (runs + warm) + 60))" hyperfine -N --style basic --runs "$runs" --warmup "$warm" \
		--export-json "$RES/$key.json" "$@" "$cmd" >"$RES/$key.hf.txt" 2>&1 || rc=$?
	if [ "$rc" = 0 ]; then
		rec hf "$key" "$RES/$key.json"
		while [ $# -gt 0 ]; do
			if [ "$1" = --prepare ]; then sh -c "$2"; fi
			shift
		done
		rss "$key" "$cmd" >/dev/null
	else
		log "$key: hyperfine failed ($rc), see $RES/$key.hf.txt"
		rec single "$key" "$TMO" "$rc"
	fi
}
# rss KEY COMMAND: one run under GNU time -v (peak RSS); prints the exit status
rss() {
	local rc=0
	timeout "$TMO" /usr/bin/time -v -o "$RES/$1.time" sh -c "exec $2" >/dev/null 2>"$RES/$1.err" || rc=$?
	rec rss "$1" "$RES/$1.time" "$rc"
	echo "$rc"
}
# warm KEY DB SQLFILE [psql -v settings...]: REPS+1 runs in one psql session, \timing, first dropped
warm() {
	local key=$1 db=$2 sql=$3 i
	shift 3
	log "$key: warm, $(basename "$sql")"
	{
		echo 'SELECT pg_backend_pid() AS bpid \gset'
		echo '\o /dev/null'
		echo '\timing on'
		for i in $(seq 0 "$REPS"); do echo "\\i $sql"; done
		echo '\timing off'
		echo '\o'
		echo '\setenv BPID :bpid'
		echo '\! grep VmHWM /proc/$BPID/status'
	} >"$WORK/$key.psql"
	timeout "$((TMO * (REPS + 1)))" $PSQL -d "$db" "$@" -f "$WORK/$key.psql" >"$RES/$key.txt" 2>&1 || true
	rec warm "$key" "$RES/$key.txt"
	rec hwm "$key" "$RES/$key.txt"
}
# harness PREFIX TRACKER OP...: bench/harness under GNU time -v, with the timeout
harness() {
	local prefix=$1 tracker=$2 rc=0
	shift 2
	log "$prefix: harness $*"
	timeout "$TMO" /usr/bin/time -v -o "$RES/$prefix.time" "$HARNESS" "$tracker" "$REPS" "$@" \
		>"$RES/$prefix.tsv" 2>"$RES/$prefix.err" || rc=$?
	rec harness "$prefix" "$RES/$prefix.tsv" "$rc"
	rec rss "$prefix.load" "$RES/$prefix.time" "$([ "$rc" = 124 ] && echo 124 || echo 0)"
}

# first_open KEY TRACKER COMMAND: one whole process on a tracker without its persistent index
# (.frontline-index, written beside big trackers after a clean read): the cost of reading the
# sources, paid once per change of the files.  Prints the exit status (124: timeout).
INDEX=.frontline-index
first_open() {
	local key=$1 tr=$2 cmd=$3 rc wall
	rm -f "$tr/$INDEX"
	log "$key: first open, $cmd"
	rc=$(rss "$key" "$cmd")
	wall=$(rec get "$key" single_wall)
	if [ "$rc" = 124 ]; then rec single "$key" "$TMO" 124; else rec single "$key" "${wall:-0}" "$rc"; fi
	rec info "index_$key" "$([ -f "$tr/$INDEX" ] && stat -c %s "$tr/$INDEX" || echo none)"
	echo "$rc"
}

hf floor.ogrinfo "$RUNS" 3 "ogrinfo --version"

# ================================================================ DeepState: 769 daily polygons
if has_part deepstate; then
	[ -d "$DEEPSTATE" ] || { echo "bench: no DeepState data at $DEEPSTATE" >&2; exit 1; }
	ds_series
	rec info ds_days "${#DS_FILES[@]}"
	rec info ds_d1 "$D1"
	rec info ds_d2 "$D2"
	rec info ds_date "$D2"
	TR=$WORK/ds
	FILES="${DS_FILES[*]}"

	hf ds.import.frontline "$SLOW_RUNS" 1 "$FRONTLINE import-series --holder RU --other UA --out $TR $FILES" \
		--prepare "rm -rf $TR"
	[ -f "$TR/events.csv" ] || "$FRONTLINE" import-series --holder RU --other UA --out "$TR" "${DS_FILES[@]}"
	hf ds.import.geopandas "$SLOW_RUNS" 1 "$PY $HERE/deepstate_peers.py import --out $WORK/ds-peer-import.geojson $FILES"
	# the daily routine: the last day appended to the tracker of the days before (a copy
	# restored before each run, not timed), against the full re-import above
	DS_LAST=${DS_FILES[${#DS_FILES[@]}-1]}
	rm -rf "$WORK/ds-before"
	"$FRONTLINE" import-series --holder RU --other UA --out "$WORK/ds-before" "${DS_FILES[@]:0:${#DS_FILES[@]}-1}"
	hf ds.append.frontline "$RUNS" 1 "$FRONTLINE import-series --append $WORK/ds-append $DS_LAST" \
		--prepare "sh -c 'rm -rf $WORK/ds-append && cp -r $WORK/ds-before $WORK/ds-append'"
	# the first open of the imported tracker reads the sources and writes the index; later ones read the index
	hf ds.firstopen "$SLOW_RUNS" 0 "$FRONTLINE -d $TR stats --step day" --prepare "rm -f $TR/$INDEX"
	"$FRONTLINE" -d "$TR" stats --step day >/dev/null
	rec info ds_index "$([ -f "$TR/$INDEX" ] && stat -c %s "$TR/$INDEX" || echo none)"

	log "loading the daily polygons into PostGIS"
	newdb deepstate
	"$PY" "$HERE/deepstate_peers.py" load-pg --psql "$PSQL -d deepstate" "${DS_FILES[@]}"
	PGDS="$PSQL -d deepstate -At -v d1=$D1 -v d2=$D2"

	hf ds.area.frontline "$RUNS" 3 "$FRONTLINE -d $TR stats --step day"
	hf ds.area.geopandas "$SLOW_RUNS" 1 "$PY $HERE/deepstate_peers.py areas $FILES"
	hf ds.area.postgis "$RUNS" 3 "$PGDS -f $HERE/sql/ds_area.sql"
	warm ds.area.postgis.warm deepstate "$HERE/sql/ds_area.sql"

	hf ds.map.frontline "$RUNS" 3 "$FRONTLINE -d $TR snapshot --by actor --date $D2 -o $WORK/ds-map.geojson"
	# like for like: the day's file holds only the occupied area, so does --holder RU
	hf ds.map_held.frontline "$RUNS" 3 "$FRONTLINE -d $TR snapshot --by actor --holder RU --date $D2 -o $WORK/ds-map-ru.geojson"
	hf ds.map.ogr2ogr "$RUNS" 3 "ogr2ogr -f GeoJSON $WORK/ds-map-ogr.geojson $D2_FILE" \
		--prepare "rm -f $WORK/ds-map-ogr.geojson"

	hf ds.diff.frontline "$RUNS" 3 "$FRONTLINE -d $TR diff $D1 $D2 --by actor"
	hf ds.diff.postgis "$RUNS" 3 "$PGDS -f $HERE/sql/ds_diff.sql"
	warm ds.diff.postgis.warm deepstate "$HERE/sql/ds_diff.sql" -v d1="$D1" -v d2="$D2"

	harness ds.warm "$TR" stats:day "snapshot:actor:$D2" "diff:actor:$D1:$D2"

	# same answers?  frontline's daily areas against the geopandas loop's
	"$FRONTLINE" -d "$TR" stats --step day -o "$WORK/ds-fl-stats.csv"
	"$PY" "$HERE/deepstate_peers.py" areas "${DS_FILES[@]}" >"$WORK/ds-peer-areas.csv"
	rec info check_ds "$("$PY" "$HERE/crosscheck.py" areas "$WORK/ds-fl-stats.csv" RU "$WORK/ds-peer-areas.csv")"
fi

# ================================================================ uncertain dates (issue 21)
# stats over the DeepState series with uncertain events, against the tool before them (when
# FRONTLINE_BEFORE names it): bench/uncertain.sh, its own report in $RES/uncertain/summary.md
if has_part uncertain; then
	FRONTLINE=$FRONTLINE BENCH_HARNESS=$HARNESS DEEPSTATE=$DEEPSTATE BENCH_WORK=$WORK BENCH_RESULTS=$RES \
		BENCH_RUNS=$RUNS bash "$HERE/uncertain.sh" || log "uncertain: a check failed (see above)"
fi

# ================================================================ time-lapse (issue 22)
# the 2020 war as a daily GIF and WebP, `frontline animate` against QGIS's exportAnimation and the same
# encoders: bench/animate.sh, its own report in $RES/animate/summary.md
if has_part animate; then
	FRONTLINE=$FRONTLINE BENCH_WORK=$WORK BENCH_RESULTS=$RES bash "$HERE/animate.sh" ||
		log "animate: a check failed (see above)"
fi

# ================================================================ generated trackers
rec info g_date "$G_DATE"
rec info g_d1 "$G_D1"
rec info g_d2 "$G_D2"
rec info g_m1 "$G_M1"
rec info g_m2 "$G_M2"
rec info g_regions "$REGIONS"
rec info g_seed "$SEED"

if has_part generated; then
	largest=$(printf '%s\n' $EVENTS | sort -n | tail -1)
	for N in $EVENTS; do
		P=g$N
		TR=$(gen "$N")
		log "loading $TR into PostGIS"
		newdb "$P"
		t0=$(date +%s.%N)
		"$PY" "$HERE/gen_tracker.py" load-pg "$TR" --psql "$PSQL -d $P"
		rec single "$P.pgload" "$("$PY" -c "print($(date +%s.%N) - $t0)")" 0
		PGV=(-v "t=${G_DATE}T23:59:59Z" -v "t1=${G_D1}T23:59:59Z" -v "t2=${G_D2}T23:59:59Z"
		     -v "m1=$G_M1" -v "m2=${G_M2:0:8}01")
		PGG="$PSQL -d $P -At ${PGV[*]}"

		# PostGIS, warm in one session and as psql processes
		for q in snap_region:gen_snapshot_region snap_actor:gen_snapshot_actor diff_region:gen_diff_region \
			diff_actor:gen_diff_actor stats_month:gen_stats_month; do
			warm "$P.${q%%:*}.postgis.warm" "$P" "$HERE/sql/${q#*:}.sql" "${PGV[@]}"
			hf "$P.${q%%:*}.postgis" "$RUNS" 2 "$PGG -f $HERE/sql/${q#*:}.sql"
		done

		# frontline: the first open reads the sources (and writes the index) under the timeout; then
		# each command, timed once first to know whether hyperfine can afford more runs
		FL=("snap_region:-d $TR snapshot --date $G_DATE --by region"
		    "snap_actor:-d $TR snapshot --date $G_DATE --by actor"
		    "diff_region:-d $TR diff $G_D1 $G_D2 --by region"
		    "diff_actor:-d $TR diff $G_D1 $G_D2 --by actor"
		    "stats_month:-d $TR stats --step month --from $G_M1 --to $G_M2")
		rc=$(first_open "$P.firstopen" "$TR" "$FRONTLINE -d $TR stats --step month --from $G_M1 --to $G_M2")
		# check reads the sources every time (it never trusts the index); log --region reads the
		# index and, through the region's timelines, only that region's events
		if [ "$rc" = 0 ]; then
			hf "$P.check.frontline" "$SLOW_RUNS" 0 "$FRONTLINE -d $TR check"
			hf "$P.log_region.frontline" "$RUNS" 1 "$FRONTLINE -d $TR log --region $G_REGION"
		fi
		for c in "${FL[@]}"; do
			key=$P.${c%%:*}.frontline
			if [ "$rc" != 0 ]; then
				rec status "$key" "not run: the first open did not finish within $TMO s"
				continue
			fi
			log "$key: probe under the timeout"
			prc=$(rss "$key" "$FRONTLINE ${c#*:}")
			wall=$(rec get "$key" single_wall)
			if [ "$prc" != 0 ]; then
				rec single "$key" "$([ "$prc" = 124 ] && echo "$TMO" || echo "${wall:-0}")" "$prc"
			elif "$PY" -c "import sys; sys.exit(0 if float('$wall') < 20 else 1)"; then
				hf "$key" "$RUNS" 1 "$FRONTLINE ${c#*:}"
			else
				rec single "$key" "$wall" 0
			fi
		done

		# frontline warm: the library with the tracker opened once; then, same answers as PostGIS?
		if [ "$rc" = 0 ]; then
			harness "$P.warm" "$TR" "${G_OPS[@]}" "${G_WKB[@]}"
			X=$WORK/check-$P
			"$FRONTLINE" -d "$TR" stats --step month --from "$G_M1" --to "$G_M2" -o "$X-fl-stats.csv"
			"$FRONTLINE" -d "$TR" snapshot --date "$G_DATE" -o "$X-fl-snap.geojson"
			"$FRONTLINE" -d "$TR" diff "$G_D1" "$G_D2" -o "$X-fl-diff.geojson"
			"$FRONTLINE" -d "$TR" snapshot --date "$G_DATE" --by actor -o "$X-fl-snap-actor.geojson"
			"$FRONTLINE" -d "$TR" diff "$G_D1" "$G_D2" --by actor -o "$X-fl-diff-actor.geojson"
			grc=0
			for w in snap_region:snap snap_actor:snap-actor diff_region:diff diff_actor:diff-actor; do
				timeout "$TMO" "$GDALW" "${w%%:*}" "$X-fl-${w#*:}.geojson" "$REPS" || grc=$?
			done >"$RES/$P.gdal.tsv" 2>"$RES/$P.gdal.err"
			rec harness "$P.gdalw" "$RES/$P.gdal.tsv" "$grc"
			$PGG -f "$HERE/sql/gen_stats_month.sql" -o "$X-pg-stats.txt"
			$PGG -f "$HERE/sql/gen_snapshot_region.sql" -o "$X-pg-snap.json"
			$PGG -f "$HERE/sql/gen_diff_region.sql" -o "$X-pg-diff.json"
			rec info "check_$P" "$("$PY" "$HERE/crosscheck.py" stats "$X-fl-stats.csv" "$X-pg-stats.txt"); $(
				"$PY" "$HERE/crosscheck.py" snapshot "$X-fl-snap.geojson" "$X-pg-snap.json"); $(
				"$PY" "$HERE/crosscheck.py" diff "$X-fl-diff.geojson" "$X-pg-diff.json")"
		else
			rec harness "$P.warm" /dev/null "$rc"
		fi

		# geopandas, whole processes (on the largest tracker only: it is slow)
		if [ "$N" = "$largest" ]; then
			TP="$PY $HERE/tracker_peers.py $TR"
			hf "$P.snap_region.geopandas" "$SLOW_RUNS" 1 "$TP snapshot --date $G_DATE --by region -o $WORK/gp.geojson"
			hf "$P.snap_actor.geopandas" "$SLOW_RUNS" 1 "$TP snapshot --date $G_DATE --by actor -o $WORK/gp.geojson"
			hf "$P.diff_region.geopandas" "$SLOW_RUNS" 1 "$TP diff $G_D1 $G_D2 --by region -o $WORK/gp.geojson"
			hf "$P.diff_actor.geopandas" "$SLOW_RUNS" 1 "$TP diff $G_D1 $G_D2 --by actor -o $WORK/gp.geojson"
			hf "$P.stats_month.geopandas" "$SLOW_RUNS" 1 "$TP stats --step month --from $G_M1 --to $G_M2 -o $WORK/gp.csv"
		fi
	done
fi

# ================================================================ load time as the log grows
if has_part scale; then
	for N in $SCALE; do
		TR=$(gen "$N")
		first_open "scale$N.firstopen" "$TR" "$FRONTLINE -d $TR stats --step month --from $G_M1 --to $G_M2" >/dev/null
		harness "scale$N" "$TR" "stats:month:$G_M1:$G_M2"
	done
fi

# ================================================================ where the time goes
# perf with DWARF call graphs; the inclusive share of libfrontline's and the libraries' entry points
profile() {
	local name=$1 title=$2
	shift 2
	log "profile $name: $*"
	timeout "$TMO" perf record -q -F 499 --call-graph dwarf,16384 -o "$WORK/$name.perf" -- "$@" >/dev/null 2>&1 || return 0
	local top
	top=$(perf report -i "$WORK/$name.perf" --children --sort symbol --stdio -g none 2>/dev/null |
		grep -E '^ +[0-9]' | sed -E 's/ +\[\.\] / /; s/ +- +- *$//; s/ +$//' |
		grep -E ' (fl_|fl__|build_|cmd_|run$|load_|check_overlaps|snapshot_emit|diff_emit|tracker_load|GEOS[A-Za-z]*_r$|GDALOpenEx$|OGR_[A-Za-z_]+$|OGRFormatDouble|json_object_to_json_string_length$|VSIFPrintfL$|CPLvsnprintf$|strcmp|__strcmp)' |
		head -24 || true)
	rec info "profile_$name" "$title
  children   self  symbol (inclusive % of samples)
$top"
	rm -f "$WORK/$name.perf" "$WORK/$name.perf.old" # DWARF stacks: tens of MB each
}
if has_part profile && command -v perf >/dev/null; then
	if [ -d "$WORK/ds" ]; then
		profile 1_ds_snapshot "\`snapshot --by actor --date ${D2:-2025-07-08}\` on the imported DeepState tracker (index present)" \
			"$FRONTLINE" -d "$WORK/ds" snapshot --by actor --date "${D2:-2025-07-08}" -o "$WORK/prof.geojson"
	fi
	# the largest generated tracker whose first open finished (it has an index), else the largest of BENCH_SCALE
	PN=""
	for N in $(printf '%s\n' $EVENTS $SCALE | sort -nu -r); do
		if [ -f "$WORK/gen-$N/$INDEX" ]; then PN=$N; break; fi
	done
	if [ -n "$PN" ]; then
		TR=$WORK/gen-$PN
		rm -f "$TR/$INDEX"
		profile 2_gen_firstopen "first open (from the sources, writes the index) of the generated tracker with $PN events: \`stats --step month\`" \
			"$FRONTLINE" -d "$TR" stats --step month --from "$G_M1" --to "$G_M2" -o "$WORK/prof.csv"
		"$FRONTLINE" -d "$TR" stats --step month >/dev/null 2>&1 || true # the index, again
		profile 3_gen_work_region "bench/harness on the generated tracker with $PN events (index present): open, then $REPS+1 x snapshot by region as GeoJSON" \
			"$HARNESS" "$TR" "$REPS" "snapshot:region:$G_DATE"
		profile 4_gen_work_actor "bench/harness, same tracker: open, then $REPS+1 x snapshot by actor" \
			"$HARNESS" "$TR" "$REPS" "snapshot:actor:$G_DATE"
		# (VSIFPrintfL: GDAL prints each feature's JSON through printf, again for a big one)
		profile 5_gen_work_diff_actor "bench/harness, same tracker: open, then $REPS+1 x diff by actor a year apart" \
			"$HARNESS" "$TR" "$REPS" "diff:actor:$G_D1:$G_D2"
	fi
fi

rec info load_after "$(cut -d' ' -f1-3 /proc/loadavg) (load average when the run ended)"
rec write "$README"
log "results written to $README and $RES/"
