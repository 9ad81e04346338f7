#!/bin/bash
# bench/animate.sh: the 2020 war as a daily time-lapse, `frontline animate` against QGIS 3.22's own
# animation export followed by the same encoders (issue 22: "at least 5x faster than QGIS ... followed
# by the same encoder", GIF and WebP, file sizes beside).  Not part of CI.
#
#   bash bench/animate.sh                       # FRONTLINE=... to time another build
#
# 1. `frontline -d TRACKER export -o war.gpkg`: the time-enabled GeoPackage a QGIS user opens (its
#    layer `control`, `valid_from`/`valid_to`; its `actors` with their colours).  Not timed: the user
#    makes it once (its time is printed);
# 2. builds bench/encode_gif.c (cc, libpng, giflib): Debian has no command that makes an animated GIF
#    from PNG frames with giflib; it encodes as `frontline animate` does (only the changed rectangle,
#    the rectangle's exact colours when 256 or fewer, else 256 chosen greedily by pixel count times
#    squared distance, 4 frames a second, looping);
# 3. times, BENCH_RUNS rounds (the order reversed every other round), each process under GNU
#    `/usr/bin/time` (wall, user + system CPU, peak RSS):
#      frontline.gif   frontline -d TRACKER animate --from FROM --to TO --step day --size SIZE -o war.gif
#      frontline.webp  the same, -o war.webp
#      qgis.frames     bench/qgis_animate.py: PyQGIS headless (QT_QPA_PLATFORM=offscreen), the layer
#                      temporal from valid_from/valid_to, a categorized renderer on holder in the
#                      actors' colours, the base map's layers under it, the regions' names as
#                      labels, "Control on DATE" at the top left (a map decoration, as frontline's
#                      heading: without it QGIS's frames of days without a change are the same
#                      pixels, which the encoders merge), 1200x900, QgsTemporalUtils.exportAnimation
#                      with frames of one day: one PNG per day
#      qgis.gif        bench/encode_gif on those PNGs
#      qgis.webp       img2webp (Debian's webp: libwebp's WebPAnimEncoder, as frontline) on those
#                      PNGs, with frontline's defaults: lossless, quality (effort) 90, method 1,
#                      250 ms a frame, looping
#    QGIS + encoder is the sum of its two processes (medians of each), its peak RSS the larger;
# 4. checks the outputs: the number of frames of every file (Pillow), and that each QGIS frame shows
#    the holders `frontline snapshot --date D` gives: the colour at an interior point of every region
#    held whole by one actor (the nearest actor colour among the pixels around it);
# 5. prints the table (medians; ratio QGIS + encoder / frontline; goal BENCH_ANIM_GOAL, 5x) and the
#    file sizes, into $RES/summary.md too.  Raw /usr/bin/time outputs in $RES.
# When FRONTLINE has no `animate` command, only the QGIS side is timed and checked.
# Exit status: 1 when a check fails, 0 otherwise (a missed goal is reported, not an error).
#
# Needs (Debian 12): python3-qgis, python3-pil, webp (img2webp), libgif-dev, libpng-dev, time, a C
# compiler:  apt-get install python3-qgis python3-pil webp libgif-dev libpng-dev time gcc
#
# Environment (all optional):
#   FRONTLINE        the binary (default <repo>/build/src/cli/frontline)
#   TRACKER          the tracker (default <repo>/geodata/karabakh)
#   BENCH_FROM, BENCH_TO, BENCH_SIZE   2020-09-27, 2020-12-01, 1200x900
#   BENCH_BASEMAP    the layers QGIS draws under the control layer, bottom to top, space-separated
#                    (default: those of land, countries, lakes, rivers .fgb in <repo>/geodata/basemap,
#                    what frontline render draws under the regions, in its colours; empty: none)
#   BENCH_QGIS_LABELS  1 (default): QGIS labels the regions with their names, as frontline does; 0: none
#   BENCH_QGIS_TITLE   1 (default): QGIS writes the date in each frame, as frontline does; 0: no date
#   BENCH_WEBP_OPTS  img2webp's frame options (default "-lossless -q 90 -m 1", frontline animate's
#                    default WebPConfig; "-lossy -q 90" for `animate --quality 90`)
#   BENCH_WORK       scratch space (default /tmp/frontline-bench; this script uses its animate/)
#   BENCH_RESULTS    raw results go to its animate/ (default bench/results/animate/)
#   BENCH_RUNS       rounds (default 3); BENCH_ANIM_GOAL (default 5)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
FRONTLINE=$(readlink -f "${FRONTLINE:-$ROOT/build/src/cli/frontline}")
TRACKER=${TRACKER:-$ROOT/geodata/karabakh}
FROM=${BENCH_FROM:-2020-09-27}
TO=${BENCH_TO:-2020-12-01}
SIZE=${BENCH_SIZE:-1200x900}
if [ -z "${BENCH_BASEMAP+set}" ]; then
	BENCH_BASEMAP=""
	for f in land countries lakes rivers; do
		[ ! -f "$ROOT/geodata/basemap/$f.fgb" ] || BENCH_BASEMAP="$BENCH_BASEMAP $ROOT/geodata/basemap/$f.fgb"
	done
fi
read -r -a BASEMAP <<<"$BENCH_BASEMAP"
LABELS=${BENCH_QGIS_LABELS:-1}
TITLE=${BENCH_QGIS_TITLE:-1}
WEBP_OPTS=${BENCH_WEBP_OPTS:--lossless -q 90 -m 1}
FRAME_MS=250 # frontline animate's default, 4 frames a second
WORK=${BENCH_WORK:-/tmp/frontline-bench}/animate
RES=${BENCH_RESULTS:-$HERE/results}/animate
RUNS=${BENCH_RUNS:-3}
GOAL=${BENCH_ANIM_GOAL:-5}
PY=/usr/bin/python3
TIME=/usr/bin/time

log() { printf '[animate %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "bench/animate.sh: $*" >&2; exit 1; }

[ -x "$FRONTLINE" ] || die "no frontline binary at $FRONTLINE (set FRONTLINE)"
[ -e "$TRACKER" ] || die "no tracker at $TRACKER (set TRACKER)"
[ -x "$TIME" ] || die "GNU time is not installed (apt-get install time)"
command -v img2webp >/dev/null || die "img2webp is not installed (apt-get install webp)"
command -v cc >/dev/null || die "no C compiler (apt-get install gcc)"
[ -f /usr/include/gif_lib.h ] || die "giflib's header is not installed (apt-get install libgif-dev)"
pkg-config --exists libpng || die "libpng is not installed (apt-get install libpng-dev)"
QT_QPA_PLATFORM=offscreen "$PY" -c 'import qgis.core, PIL' 2>/dev/null ||
	die "PyQGIS or Pillow is missing for $PY (apt-get install python3-qgis python3-pil)"
for f in "${BASEMAP[@]}"; do [ -f "$f" ] || die "no base map layer at $f (BENCH_BASEMAP; empty for none)"; done
HAVE_ANIMATE=1
if ! "$FRONTLINE" animate --help >/dev/null 2>&1; then
	HAVE_ANIMATE=0
	log "$FRONTLINE has no animate command: timing the QGIS side only"
fi
export QT_QPA_PLATFORM=offscreen
mkdir -p "$WORK" "$RES"
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then # Qt wants one; without it, a warning in every log
	export XDG_RUNTIME_DIR=$WORK/xdg
	mkdir -p "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
fi
rm -f "$RES"/*.time "$RES"/*.txt "$RES"/*.md "$RES"/*.log

# ---------------------------------------------------------------- 1. the GeoPackage; 2. the GIF encoder
GPKG=$WORK/war.gpkg
rm -f "$GPKG"
$TIME -f '%e %U %S %M' -o "$RES/export.time" "$FRONTLINE" -d "$TRACKER" export -o "$GPKG" ||
	die "frontline export failed"
log "exported $GPKG ($(stat -c %s "$GPKG") bytes) in $(cut -d' ' -f1 "$RES/export.time") s"
ENC=$WORK/encode_gif
# shellcheck disable=SC2046 # pkg-config's flags are words
cc -std=c17 -O2 -Wall -Wextra -o "$ENC" "$HERE/encode_gif.c" $(pkg-config --cflags --libs libpng) -lgif ||
	die "building bench/encode_gif.c failed"

# ---------------------------------------------------------------- 3. time
QARGS=("$HERE/qgis_animate.py" "$GPKG" "$WORK/frames" "$FROM" "$TO" --size "$SIZE")
for f in "${BASEMAP[@]}"; do QARGS+=(--basemap "$f"); done
[ "$LABELS" = 0 ] || QARGS+=(--labels)
[ "$TITLE" = 0 ] || QARGS+=(--title)
# run NAME ROUND CMD...: one timed process; its GNU time output and its stdout/stderr in $RES
run() {
	local name=$1 r=$2
	shift 2
	$TIME -f '%e %U %S %M' -o "$RES/$name.round$r.time" "$@" >"$RES/$name.round$r.log" 2>&1 ||
		{ tail -5 "$RES/$name.round$r.log" >&2; die "$name (round $r) failed: $*"; }
}
qgis_side() {
	local r=$1
	rm -rf "$WORK/frames" "$WORK/qgis.gif" "$WORK/qgis.webp"
	run qgis.frames "$r" "$PY" "${QARGS[@]}"
	# shellcheck disable=SC2012 # frame0000.png ...: no odd names
	mapfile -t PNGS < <(ls "$WORK"/frames/frame*.png | sort)
	run qgis.gif "$r" "$ENC" "$WORK/qgis.gif" "$((FRAME_MS / 10))" "${PNGS[@]}"
	# shellcheck disable=SC2086 # the options are words
	run qgis.webp "$r" img2webp -loop 0 $WEBP_OPTS -d "$FRAME_MS" "${PNGS[@]}" -o "$WORK/qgis.webp"
}
frontline_side() {
	local r=$1 ext
	[ "$HAVE_ANIMATE" = 1 ] || return 0
	for ext in gif webp; do
		rm -f "$WORK/frontline.$ext"
		run "frontline.$ext" "$r" "$FRONTLINE" -d "$TRACKER" animate --from "$FROM" --to "$TO" --step day \
			--size "$SIZE" -o "$WORK/frontline.$ext"
	done
}
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$RUNS"); do
	log "round $r of $RUNS"
	if [ $((r % 2)) = 1 ]; then
		frontline_side "$r"
		qgis_side "$r"
	else
		qgis_side "$r"
		frontline_side "$r"
	fi
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- 4. checks
# the holders of each frame's date, by region (regions held whole by one actor)
mkdir -p "$WORK/snap"
"$PY" - "$FROM" "$TO" >"$WORK/dates.txt" <<'EOF'
import datetime as dt, sys
d, e = (dt.date.fromisoformat(x) for x in sys.argv[1:3])
while d <= e:
    print(d)
    d += dt.timedelta(days=1)
EOF
while read -r d; do
	"$FRONTLINE" -d "$TRACKER" snapshot --date "$d" -o "$WORK/snap/$d.geojson" 2>/dev/null
done <"$WORK/dates.txt"
"$PY" "${QARGS[@]}" --points "$WORK/points.csv" >/dev/null 2>&1 || die "qgis_animate.py --points failed"

# ---------------------------------------------------------------- 5. the table
rc=0
"$PY" - "$RES" "$WORK" "$GPKG" "$RUNS" "$GOAL" "$HAVE_ANIMATE" "$FRONTLINE" "$LOAD0" "$LOAD1" \
	"$FROM" "$TO" "$SIZE" "$WEBP_OPTS" "$FRAME_MS" <<'EOF' || rc=$?
import csv, glob, json, os, sqlite3, statistics, subprocess, sys
from PIL import Image
(res, work, gpkg, runs, goal, have, fl, load0, load1, d0, d1, size, webp_opts, frame_ms) = sys.argv[1:15]
goal, have = float(goal), have == "1"
out, fail, missed = [], False, False
def say(line=""):
    out.append(line)
    print(line)

def times(name):
    """[(wall, cpu, rss_kb)] of every round"""
    v = []
    for f in sorted(glob.glob(f"{res}/{name}.round*.time")):
        e, u, s, m = open(f).read().split()[-4:]
        v.append((float(e), float(u) + float(s), int(m)))
    return v
def med(name):
    v = times(name)
    return (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v), max(x[2] for x in v), len(v))
def fs(x):
    return f"{x:.2f} s" if x >= 1 else f"{x * 1e3:.0f} ms"
def mb(kb):
    return f"{kb / 1024:.0f} MB"
def size_of(p):
    return os.path.getsize(p) if os.path.exists(p) else None
def kb(n):
    return f"{n / 1024:.0f} KiB ({n:,} bytes)" if n is not None else "-"

dates = open(f"{work}/dates.txt").read().split()
ver = subprocess.run([fl, "--version"], capture_output=True, text=True).stdout.strip()
qv = subprocess.run(["/usr/bin/python3", "-c", "import qgis.core as q; print(q.Qgis.QGIS_VERSION)"],
                    capture_output=True, text=True).stdout.strip()
say(f"The war of 2020 as a daily time-lapse: {d0} to {d1}, {len(dates)} frames of {size}. "
    f"{runs} rounds (order reversed every other round), each process under GNU time; medians. "
    f"Load average {load0} before, {load1} after; {os.cpu_count()} CPUs.")
say(f"- frontline: {fl} ({ver}); QGIS {qv}; img2webp options `{webp_opts} -d {frame_ms}`; "
    f"bench/encode_gif {int(frame_ms) // 10} cs a frame")
e = open(f"{res}/export.time").read().split()[-4:]
say(f"- `frontline export -o war.gpkg` (the GeoPackage QGIS reads, made once, not in the sums): {fs(float(e[0]))}, "
    f"{os.path.getsize(gpkg):,} bytes")
say()
q = med("qgis.frames")
say("| | frontline animate | QGIS exportAnimation (PNG frames) | encoder | QGIS + encoder | QGIS + encoder / frontline, wall | CPU | goal |")
say("|---|---|---|---|---|---|---|---|")
for ext, enc in (("gif", "bench/encode_gif (giflib)"), ("webp", "img2webp (libwebp)")):
    c = med(f"qgis.{ext}")
    qw, qc, qm = q[0] + c[0], q[1] + c[1], max(q[2], c[2])
    cells = [f"{fs(q[0])} (CPU {fs(q[1])}, {mb(q[2])})", f"{enc}: {fs(c[0])} (CPU {fs(c[1])}, {mb(c[2])})",
             f"**{fs(qw)}** (CPU {fs(qc)}, {mb(qm)})"]
    if have:
        f = med(f"frontline.{ext}")
        rw, rcpu = qw / f[0], qc / f[1]
        ok = rw >= goal
        missed |= not ok
        verdict = f"**met** ({rw:.1f}x, goal {goal:g}x)" if ok else f"**not met** ({rw:.1f}x, goal {goal:g}x)"
        say(f"| {ext.upper()} | **{fs(f[0])}** (CPU {fs(f[1])}, {mb(f[2])}) | " + " | ".join(cells) +
            f" | {rw:.1f}x | {rcpu:.1f}x | {verdict} |")
    else:
        say(f"| {ext.upper()} | (no animate command) | " + " | ".join(cells) + " | | | |")
anim = []
for f in sorted(glob.glob(f"{res}/qgis.frames.round*.log")):
    for line in open(f):
        if "(exportAnimation " in line:
            anim.append(float(line.split("(exportAnimation ")[1].split()[0]))
if anim:
    say()
    say(f"Of QGIS's process, exportAnimation alone (the rendering and the PNGs, in the script's clock): median "
        f"{fs(statistics.median(anim))}; the rest is starting Python and QGIS and opening the layers.")
say()
say("| file | frontline animate | QGIS + encoder | QGIS / frontline |")
say("|---|---|---|---|")
for ext in ("gif", "webp"):
    a, b = size_of(f"{work}/frontline.{ext}"), size_of(f"{work}/qgis.{ext}")
    say(f"| {ext.upper()} | {kb(a)} | {kb(b)} | {b / a:.2f} |" if a and b else f"| {ext.upper()} | {kb(a)} | {kb(b)} | |")
say(f"| PNG frames (QGIS's, all) | | {kb(sum(os.path.getsize(p) for p in glob.glob(f'{work}/frames/*.png')))} | |")

say()
say("checks:")
def frames(p):
    """frames stored, and the whole duration in ms (WebPAnimEncoder merges a frame like the one before
    into it, a longer one; GIF keeps them)"""
    im = Image.open(p)
    n, ms = getattr(im, "n_frames", 1), 0
    for i in range(n):
        im.seek(i)
        im.load()  # Pillow's WebP reader sets the duration on load
        ms += im.info.get("duration", 0)
    return n, ms
pngs = sorted(glob.glob(f"{work}/frames/frame*.png"))
n = len(pngs)
fail |= n != len(dates)
say(f"- QGIS PNG frames: {n}{'' if n == len(dates) else f'  <-- FAILED, {len(dates)} expected'}")
want = len(dates) * int(frame_ms)
for who in (["frontline"] if have else []) + ["qgis"]:
    for ext in ("gif", "webp"):
        n, ms = frames(f"{work}/{who}.{ext}")
        ok = ms == want and (n == len(dates) if ext == "gif" else 0 < n <= len(dates))
        fail |= not ok
        say(f"- {who}.{ext}: {n} frames stored, {ms} ms in all{'' if ok else f'  <-- FAILED, {len(dates)} days of {frame_ms} ms expected'}")
# the QGIS frames' colours against frontline's holders
con = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
colour = {i: c for i, c in con.execute("SELECT id, color FROM actors")}
con.close()
rgb = {a: tuple(int(c[k:k + 2], 16) for k in (1, 3, 5)) for a, c in colour.items() if c}
pts = list(csv.DictReader(open(f"{work}/points.csv")))
checked = wrong = 0
bad = []
for k, d in enumerate(dates):
    feats = json.load(open(f"{work}/snap/{d}.geojson"))["features"]
    held = {}
    for f in feats:
        held.setdefault(f["properties"]["region"], set()).add(f["properties"]["holder"])
    im = Image.open(pngs[k]).convert("RGB")
    px = im.load()
    for p in pts:
        h = held.get(p["region"])
        if not h or len(h) != 1 or None in h:
            continue
        x, y = int(float(p["x"])), int(float(p["y"]))
        votes = {}
        for dx in range(-6, 7):
            for dy in range(-6, 7):
                if 0 <= x + dx < im.width and 0 <= y + dy < im.height:
                    c = px[x + dx, y + dy]
                    a, dist = min(((a, sum((c[i] - v[i]) ** 2 for i in range(3))) for a, v in rgb.items()),
                                  key=lambda t: t[1])
                    if dist < 30 ** 2:
                        votes[a] = votes.get(a, 0) + 1
        got = max(votes, key=votes.get) if votes else None
        checked += 1
        if got != next(iter(h)):
            wrong += 1
            bad.append(f"{d} {p['region']}: {got} drawn, {next(iter(h))} holds")
ok = checked > 0 and not wrong
fail |= not ok
say(f"- QGIS frames against `frontline snapshot --date D`: {checked - wrong}/{checked} (frame, region) pairs "
    f"drawn in the holder's colour{'' if ok else '  <-- FAILED: ' + '; '.join(bad[:8])}")
say()
if have:
    say(f"goal (QGIS + encoder at least {goal:g}x frontline's wall time, GIF and WebP): {'MISSED' if missed else 'met'}")
with open(f"{res}/summary.md", "w") as f:
    f.write("\n".join(out) + "\n")
sys.exit(1 if fail else 0)
EOF
[ "$rc" = 0 ] || log "a check failed (see above)"
log "results in $RES/ (summary.md, GNU time outputs); the files in $WORK/"
exit "$rc"
