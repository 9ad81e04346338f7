#!/bin/sh
# bench/same_outputs.sh: do two builds of frontline give the same answers, byte for byte?
#
#   sh bench/same_outputs.sh OLD_FRONTLINE NEW_FRONTLINE      (or OLD=... NEW=... sh bench/same_outputs.sh)
#
# Runs snapshot, diff, stats, export and render (and copy, log, check and the DeepState import) with both
# binaries on three trackers: the shipped geodata/karabakh, a DeepState tracker imported from the
# first DS_DAYS daily polygons of $FL_SHARED/data/deepstate (skipped when that folder is absent),
# and a generated tracker (bench/gen_tracker.py, GEN_REGIONS regions, GEN_EVENTS events, seed 42;
# skipped without Debian's python3-shapely).  Each binary runs in turn on a fresh copy of the
# tracker at the same path, in the same output folder, so paths printed or embedded are the same.
# Every output file, and each command's exit status, stdout and stderr (one .run file per
# command), is then compared with cmp.  The one normalisation: a GeoPackage that differs is
# compared as an `sqlite3 .dump` after setting gpkg_contents.last_change (the time GDAL wrote the
# layer) to '' in a copy; nothing else is touched.  The index cache .frontline-index is left out
# (a cache, not an answer; each binary builds its own from the same sources).  Two more lines check
# that every command meant to succeed exited 0 with each binary (the same error twice is no answer).
#
# Output: TAP, one line per output, then a count.  Exit status 0 when every output is the same.
#
# Environment (all optional):
#   FL_SHARED    the shared data folder (default: <repo>/../shared); DEEPSTATE overrides the
#                daily polygons' folder (default: $FL_SHARED/data/deepstate)
#   DS_DAYS      days of DeepState imported (default 8)
#   GEN_REGIONS, GEN_EVENTS  size of the generated tracker (default 200 and 2000)
#   SAME_WORK    scratch folder (default: a new /tmp/frontline-same.XXXXXX, removed when every
#                output is the same, kept otherwise); SAME_KEEP=1 keeps it always
set -eu

usage() {
	echo "usage: sh bench/same_outputs.sh OLD_FRONTLINE NEW_FRONTLINE (or set OLD and NEW)" >&2
	exit 2
}
OLD=${1:-${OLD:-}}
NEW=${2:-${NEW:-}}
if [ -z "$OLD" ] || [ -z "$NEW" ]; then usage; fi
abs() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
for b in "$OLD" "$NEW"; do
	[ -x "$b" ] || { echo "same_outputs: no frontline binary at $b" >&2; exit 2; }
done
OLD=$(abs "$OLD")
NEW=$(abs "$NEW")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
SHARED=${FL_SHARED:-$ROOT/../shared}
DEEPSTATE=${DEEPSTATE:-$SHARED/data/deepstate}
DS_DAYS=${DS_DAYS:-8}
REGIONS=${GEN_REGIONS:-200}
EVENTS=${GEN_EVENTS:-2000}
PY=/usr/bin/python3 # Debian's, with python3-shapely (bench/gen_tracker.py)
WORK=${SAME_WORK:-$(mktemp -d /tmp/frontline-same.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
rm -rf "$WORK/in" "$WORK/old" "$WORK/new" "$WORK/run" "$WORK/cmp"
mkdir -p "$WORK/in" "$WORK/old" "$WORK/new" "$WORK/cmp"
unset FRONTLINE_TRACKER
export LC_ALL=C TZ=UTC

echo "# old: $OLD ($("$OLD" --version 2>&1))"
echo "# new: $NEW ($("$NEW" --version 2>&1))"
echo "# work: $WORK"

# ---------------------------------------------------------------- running one side
# fl NAME ARGS...: frontline ARGS in the output folder; its exit status, stdout and stderr go
# to NAME.run (compared like any output).  FL is the binary of the side being run.
fl() {
	name=$1
	shift
	rc=0
	"$FL" "$@" >"$name.stdout" 2>"$name.stderr" </dev/null || rc=$?
	{
		echo "exit $rc"
		echo "--- stdout"
		cat "$name.stdout"
		echo "--- stderr"
		cat "$name.stderr"
	} >"$name.run"
	rm -f "$name.stdout" "$name.stderr"
}

# side SIDE BINARY LABEL TRACKER COMMANDS: a fresh copy of TRACKER (none if empty) at
# $WORK/run/t, COMMANDS (a function) run in $WORK/run/out with FL=BINARY and T=the copy;
# the outputs kept as $WORK/SIDE/LABEL
side() {
	rm -rf "$WORK/run"
	mkdir -p "$WORK/run/out"
	T=$WORK/run/t
	if [ -n "$4" ]; then cp -R "$4" "$T"; fi
	FL=$2
	(cd "$WORK/run/out" && "$5")
	mv "$WORK/run/out" "$WORK/$1/$3"
	rm -rf "$WORK/run"
}

# both LABEL TRACKER COMMANDS: the old binary's outputs, then the new one's
both() {
	side old "$OLD" "$1" "$2" "$3"
	side new "$NEW" "$1" "$2" "$3"
}

# ---------------------------------------------------------------- the commands
# The same set on every tracker, with its dates D1 < D2 < D3, an actor H, and a range
# SF..ST for the daily and weekly stats.
commands() {
	fl snap_d1 -d "$T" snapshot --date "$D1" -o snap_d1.geojson
	fl snap_d2 -d "$T" snapshot --date "$D2" -o snap_d2.geojson
	fl snap_d2_stdout -d "$T" snapshot --date "$D2"
	fl snap_d3 -d "$T" snapshot --date "$D3" --by region -o snap_d3.geojson
	fl snap_d3_actor -d "$T" snapshot --date "$D3" --by actor -o snap_d3_actor.geojson
	fl snap_d2_actor_j1 -d "$T" -j 1 snapshot --date "$D2" --by actor -o snap_d2_actor_j1.geojson
	fl snap_d2_gpkg -d "$T" snapshot --date "$D2" -o snap_d2.gpkg
	fl snap_d3_actor_gpkg -d "$T" snapshot --date "$D3" --by actor -o snap_d3_actor.gpkg
	fl snap_d2_csv -d "$T" snapshot --date "$D2" -o snap_d2.csv
	fl snap_d3_actor_csv -d "$T" snapshot --date "$D3" --by actor -f csv
	fl snap_d2_kml -d "$T" snapshot --date "$D2" -o snap_d2.kml
	fl snap_d2_fgb -d "$T" snapshot --date "$D2" -o snap_d2.fgb
	fl snap_d2_holder -d "$T" snapshot --date "$D2" --by actor --holder "$H" -o snap_d2_holder.geojson
	fl snap_d2_summary -d "$T" snapshot --date "$D2" --summary
	fl snap_d3_summary_o -d "$T" snapshot --date "$D3" --by actor --summary -o snap_d3_summary.geojson
	fl snap_d3_confirmed -d "$T" snapshot --date "$D3" --status confirmed -o snap_d3_confirmed.geojson
	fl snap_d3_asof -d "$T" snapshot --date "$D3" --as-of "$D2" -o snap_d3_asof.geojson

	fl diff_12 -d "$T" diff "$D1" "$D2" -o diff_12.geojson
	fl diff_23_actor -d "$T" diff "$D2" "$D3" --by actor -o diff_23_actor.geojson
	fl diff_13_stdout -d "$T" diff "$D1" "$D3"
	fl diff_13_gpkg -d "$T" diff "$D1" "$D3" -o diff_13.gpkg
	fl diff_13_actor_gpkg -d "$T" diff "$D1" "$D3" --by actor -o diff_13_actor.gpkg
	fl diff_13_csv -d "$T" diff "$D1" "$D3" -f csv
	fl diff_12_summary -d "$T" diff "$D1" "$D2" --summary
	fl diff_13_summary -d "$T" diff "$D1" "$D3" --summary
	fl diff_23_actor_summary -d "$T" diff "$D2" "$D3" --by actor --summary
	fl diff_13_summary_csv -d "$T" diff "$D1" "$D3" --summary -f csv
	fl diff_23_summary_json -d "$T" diff "$D2" "$D3" --summary -f json
	fl diff_13_confirmed -d "$T" diff "$D1" "$D3" --status confirmed -o diff_13_confirmed.geojson

	fl stats_event -d "$T" stats
	fl stats_month -d "$T" stats --step month
	fl stats_week -d "$T" stats --step week --from "$SF" --to "$ST"
	fl stats_day -d "$T" stats --step day --from "$SF" --to "$ST" -o stats_day.csv
	fl stats_confirmed -d "$T" stats --step month --status confirmed --as-of "$D3"
	fl stats_chart -d "$T" stats --step month --chart stats_chart.png --size 640x400 -o stats_chart.csv
	fl stats_chart_svg -d "$T" stats --step week --from "$SF" --to "$ST" --chart stats_chart.svg
	fl stats_bad -d "$T" stats --from "$D3" --to "$D1"

	fl export_geojson -d "$T" export -o export.geojson
	fl export_gpkg -d "$T" export -o export.gpkg
	fl export_csv -d "$T" export -o export.csv
	fl export_kml -d "$T" export -o export.kml
	fl export_fgb -d "$T" export -o export.fgb
	fl export_confirmed -d "$T" export -f geojson -o export_confirmed.json --status confirmed

	fl render_d2 -d "$T" render --date "$D2" --size 640x480 -o render_d2.png
	fl render_d3 -d "$T" render --date "$D3" --size 800x500 --no-labels --title "same outputs" -o render_d3.png
	fl render_diff -d "$T" render --diff "$D1" "$D3" --size 640x480 -o render_diff_13.png
	fl render_svg -d "$T" render --date "$D2" --size 640x480 -o render_d2.svg

	fl copy_folder copy "$T" copy_folder
	fl copy_gpkg copy "$T" copy.gpkg

	fl log_table -d "$T" log
	fl log_holder_csv -d "$T" log --holder "$H" --from "$D1" --to "$D3" -f csv
	fl log_json -d "$T" log -f json
	fl check_table -d "$T" check
	fl check_json -d "$T" check -f json
}

ds_import() {
	# shellcheck disable=SC2086 # DS_FILES: the day files, paths without blanks
	fl import import-series --holder RU --other UA --out ds $DS_FILES
}

# ---------------------------------------------------------------- the trackers
SKIPS=""
echo "# shipped tracker: geodata/karabakh"
D1=1993-12-31 D2=2020-11-15 D3=2023-12-31 H=AM SF=2020-09-01 ST=2020-12-31
both karabakh "$ROOT/geodata/karabakh" commands

if [ -d "$DEEPSTATE" ] && ls "$DEEPSTATE"/deepstatemap_data_*.geojson >/dev/null 2>&1; then
	# the first DS_DAYS days (a glob expands sorted; the names are deepstatemap_data_YYYYMMDD)
	DS_FILES=""
	i=0
	for f in "$DEEPSTATE"/deepstatemap_data_*.geojson; do
		if [ "$i" -lt "$DS_DAYS" ]; then DS_FILES="$DS_FILES $f"; fi
		i=$((i + 1))
	done
	ds_date() { basename "$1" .geojson | sed -E 's/.*_([0-9]{4})([0-9]{2})([0-9]{2})$/\1-\2-\3/'; }
	# shellcheck disable=SC2086 # DS_FILES: the day files, paths without blanks
	set -- $DS_FILES
	D1=$(ds_date "$1")
	shift $(($# / 2))
	D2=$(ds_date "$1")
	shift $(($# - 1))
	D3=$(ds_date "$1")
	echo "# DeepState tracker: import-series of $DS_DAYS days from $DEEPSTATE ($D1 .. $D3)"
	both deepstate-import "" ds_import
	# the commands run on the old binary's import (the import itself is compared above)
	cp -R "$WORK/old/deepstate-import/ds" "$WORK/in/ds"
	rm -f "$WORK/in/ds/.frontline-index"
	H=RU SF=$D1 ST=$D3
	both deepstate "$WORK/in/ds" commands
else
	SKIPS="$SKIPS DeepState"
	echo "# SKIP the DeepState tracker: no daily polygons in $DEEPSTATE"
fi

if "$PY" -c 'import shapely, numpy' 2>/dev/null; then
	echo "# generated tracker: bench/gen_tracker.py, $REGIONS regions, $EVENTS events, seed 42"
	"$PY" "$HERE/gen_tracker.py" gen "$WORK/in/gen" --seed 42 --regions "$REGIONS" --events "$EVENTS" >/dev/null
	D1=2016-06-30 D2=2019-06-30 D3=2024-12-31 H=A3 SF=2019-01-01 ST=2019-06-30
	both generated "$WORK/in/gen" commands
else
	SKIPS="$SKIPS generated"
	echo "# SKIP the generated tracker: $PY has no shapely/numpy (Debian: python3-shapely python3-numpy)"
fi

# ---------------------------------------------------------------- comparing
# gpkg_dump FILE OUT: the GeoPackage as SQL, with gpkg_contents.last_change blanked (in a copy)
gpkg_dump() {
	cp "$1" "$2.gpkg"
	sqlite3 "$2.gpkg" "UPDATE gpkg_contents SET last_change = ''" &&
		sqlite3 "$2.gpkg" .dump >"$2"
	rm -f "$2.gpkg"
}

n=0 bad=0 normalised=0
(cd "$WORK/old" && find . -type f) >"$WORK/cmp/list"
(cd "$WORK/new" && find . -type f) >>"$WORK/cmp/list"
sort -u "$WORK/cmp/list" | sed 's|^\./||' | grep -v '/\.frontline-index$' >"$WORK/cmp/files" || true
while IFS= read -r f; do
	n=$((n + 1))
	o=$WORK/old/$f
	w=$WORK/new/$f
	if [ ! -f "$o" ] || [ ! -f "$w" ]; then
		bad=$((bad + 1))
		echo "not ok $n - $f # written by only one: $([ -f "$o" ] && echo old || echo new)"
	elif cmp -s "$o" "$w"; then
		echo "ok $n - $f"
	elif case $f in *.gpkg) true ;; *) false ;; esac &&
		gpkg_dump "$o" "$WORK/cmp/old.sql" && gpkg_dump "$w" "$WORK/cmp/new.sql" &&
		cmp -s "$WORK/cmp/old.sql" "$WORK/cmp/new.sql"; then
		normalised=$((normalised + 1))
		echo "ok $n - $f # same SQL dump, gpkg_contents.last_change aside"
	else
		bad=$((bad + 1))
		echo "not ok $n - $f # $(cmp "$o" "$w" 2>&1 | head -n 1)"
		case $f in
		*.png | *.fgb) ;;
		*.gpkg) diff "$WORK/cmp/old.sql" "$WORK/cmp/new.sql" | head -n 10 | sed 's/^/#   /' ;;
		*) diff "$o" "$w" | head -n 10 | cut -c1-200 | sed 's/^/#   /' ;;
		esac
	fi
done <"$WORK/cmp/files"
# the same answers are worth little if they are the same error: every command but the refused
# one (*_bad) must have succeeded, with each binary
for s in old new; do
	n=$((n + 1))
	failed=$(cd "$WORK/$s" && grep -L '^exit 0$' ./*/*.run | grep -v '_bad\.run$' | sed 's|^\./||' | tr '\n' ' ')
	if [ -z "$failed" ]; then
		echo "ok $n - $s: every command exited 0 (but the refused ones)"
	else
		bad=$((bad + 1))
		echo "not ok $n - $s: these commands failed: $failed"
	fi
done
echo "1..$n"
echo "# $((n - 2)) outputs compared and 2 checks that the commands ran: $((n - bad)) ok, $bad not ok ($normalised GeoPackages the same after blanking last_change)${SKIPS:+; skipped:$SKIPS}"
if [ "$bad" = 0 ] && [ "${SAME_KEEP:-0}" != 1 ] && [ -z "${SAME_WORK:-}" ]; then
	rm -rf "$WORK"
elif [ "$bad" != 0 ]; then
	echo "# the outputs are in $WORK/old and $WORK/new"
fi
[ "$bad" = 0 ]
