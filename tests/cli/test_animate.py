#!/usr/bin/python3
"""End-to-end tests of `frontline animate` (time-lapses as GIF, WebP, MP4,
WebM) on the shipped Karabakh tracker.

Usage: /usr/bin/python3 test_animate.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  GIF and WebP are decoded with Pillow (Debian's python3-pil);
MP4 and WebM, when the tool was built with FFmpeg, are counted and decoded
with ffprobe and ffmpeg (skipped when absent).  Frames are compared with
`frontline render --date D` of the same date and options.
"""
import csv
import glob
import os
import pty
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import KARABAKH, Skip, check, describe, fake_library, main, run, run_fail, run_ok, test  # noqa: E402

try:
    from PIL import Image, ImageSequence
except ImportError:  # the tests skip, one by one
    Image = None

if len(sys.argv) != 3:
    sys.exit("usage: test_animate.py FRONTLINE_BINARY SOURCE_ROOT")

SIZE = "400x300"


def need_pil():
    if Image is None:
        raise Skip("Pillow (python3-pil) is not installed")


def hex_rgb(h):
    h = h.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def actor_colours():
    with open(os.path.join(KARABAKH, "actors.csv"), newline="", encoding="utf-8") as f:
        return {r["id"]: hex_rgb(r["color"]) for r in csv.DictReader(f)}


COLOURS = actor_colours()
AZ, AM = COLOURS["AZ"], COLOURS["AM"]


def frames(path):
    """The frames of an animation as RGB images, and each one's duration (ms)."""
    im = Image.open(path)
    out, durations = [], []
    for f in ImageSequence.Iterator(im):
        out.append(f.convert("RGB").copy())
        durations.append(f.info.get("duration"))
    return out, durations


def render_png(tmp, date, name, extra=()):
    run_ok(["render", "--date", date, "--size", SIZE, "-o", name] + list(extra), tmp)
    return Image.open(os.path.join(tmp, name)).convert("RGB")


def animate(tmp, args, name):
    run_ok(["animate"] + list(args) + ["-o", name], tmp)
    check(os.path.isfile(os.path.join(tmp, name)), "%s was not written" % name)
    return os.path.join(tmp, name)


def kalbajar_pixel(tmp):
    """A pixel inside Kalbajar on the whole map at SIZE, found by rendering
    2020-11-24 and 2020-11-25 (the only region whose holder changes between
    them): AM's colour on the first, AZ's on the second, and so on the 5x5
    pixels around it too."""
    a = render_png(tmp, "2020-11-24", "k24.png")
    b = render_png(tmp, "2020-11-25", "k25.png")
    w, h = a.size
    pa, pb = a.load(), b.load()
    found = []
    for y in range(2, h - 2):
        for x in range(2, w - 2):
            if pa[x, y] == AM and pb[x, y] == AZ and all(
                    pa[x + dx, y + dy] == AM and pb[x + dx, y + dy] == AZ
                    for dx in range(-2, 3) for dy in range(-2, 3)):
                found.append((x, y))
    check(len(found) > 20, "render 2020-11-24 and 2020-11-25 at %s: only %d pixels go from AM's colour "
          "%s to AZ's %s (Kalbajar)" % (SIZE, len(found), AM, AZ))
    return found[len(found) // 2]


def close(px, rgb, tol):
    return all(abs(px[i] - rgb[i]) <= tol for i in range(3))


def no_files(tmp, before=()):
    left = sorted(set(os.listdir(tmp)) - set(before))
    check(not left, "files written: %s" % left)


def video_built(tmp):
    """Whether this frontline writes video (built with FFmpeg)."""
    p = run(["animate", "--from", "2020-11-24", "--to", "2020-11-24", "--size", "64x48", "-o", "probe.mp4"],
            tmp)
    if p.returncode != 0:
        check(p.returncode == 2 and "FFmpeg" in p.stderr and "-o probe.mp4" in p.stderr,
              "a build without FFmpeg must refuse -o probe.mp4 naming it and FFmpeg\n" + describe(p))
        check(not os.path.exists(os.path.join(tmp, "probe.mp4")), "probe.mp4 written by a failed run")
    return p.returncode == 0


def ffprobe_frames(path):
    if not shutil.which("ffprobe"):
        raise Skip("ffprobe (Debian's ffmpeg) is not installed to count the video's frames")
    p = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                        "-show_entries", "stream=nb_read_frames,codec_name,width,height,r_frame_rate",
                        "-of", "default=noprint_wrappers=1", path], capture_output=True, text=True)
    check(p.returncode == 0, "ffprobe %s failed: %s" % (path, p.stderr))
    return dict(line.split("=", 1) for line in p.stdout.split())


def video_frame(tmp, path, n):
    if not shutil.which("ffmpeg"):
        raise Skip("ffmpeg is not installed to decode the video")
    out = os.path.join(tmp, "frame%d.png" % n)
    p = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vf", "select=eq(n\\,%d)" % n,
                        "-frames:v", "1", "-y", out], capture_output=True, text=True)
    check(p.returncode == 0 and os.path.isfile(out), "ffmpeg could not decode frame %d of %s: %s"
          % (n, path, p.stderr))
    return Image.open(out).convert("RGB")


# ------------------------------------------------------------ frame counts
@test("animate --step day 2020-11-20..2020-11-26: a GIF of 7 frames of 250 ms (4 fps), looping")
def _(tmp):
    need_pil()
    path = animate(tmp, ["--from", "2020-11-20", "--to", "2020-11-26", "--size", SIZE], "a.gif")
    fr, dur = frames(path)
    check(len(fr) == 7, "%d frames, expected 7" % len(fr))
    check(dur == [250] * 7, "durations %s, expected 250 ms each" % dur)
    check(Image.open(path).info.get("loop") == 0, "the GIF does not loop forever")
    check(fr[0].size == (400, 300), "frames are %dx%d, expected 400x300" % fr[0].size)
    no_files(tmp, ["a.gif"])


@test("animate --step week 2020-09-27..2020-12-01: 10 frames (09-27 to 11-29), in GIF and WebP")
def _(tmp):
    need_pil()
    for name in ("w.gif", "w.webp"):
        path = animate(tmp, ["--from", "2020-09-27", "--to", "2020-12-01", "--step", "week",
                             "--size", "200x150"], name)
        fr, _ = frames(path)
        check(len(fr) == 10, "%s: %d frames, expected 10" % (name, len(fr)))


@test("animate --step month 2020-01-31..2020-06-30: 6 frames, the month's last day where the 31st is missing")
def _(tmp):
    need_pil()
    path = animate(tmp, ["--from", "2020-01-31", "--to", "2020-06-30", "--step", "month",
                         "--size", SIZE, "--lossless"], "m.webp")
    fr, _ = frames(path)
    check(len(fr) == 6, "%d frames, expected 6" % len(fr))
    # the heading says the date: each frame is render's map of its own day
    for k, date in enumerate(["2020-01-31", "2020-02-29", "2020-03-31", "2020-04-30", "2020-05-31",
                              "2020-06-30"]):
        ref = render_png(tmp, date, "r%d.png" % k)
        check(fr[k].tobytes() == ref.tobytes(), "frame %d is not render --date %s's map" % (k, date))


@test("--fps 5 --hold-last 2: 200 ms frames, the last 2200 ms, in GIF and WebP; the frame count unchanged")
def _(tmp):
    need_pil()
    for name in ("h.gif", "h.webp"):
        path = animate(tmp, ["--from", "2020-11-24", "--to", "2020-11-27", "--size", "200x150",
                             "--fps", "5", "--hold-last", "2"], name)
        fr, dur = frames(path)
        check(len(fr) == 4, "%s: %d frames, expected 4" % (name, len(fr)))
        check(dur == [200, 200, 200, 2200], "%s: durations %s, expected [200, 200, 200, 2200]" % (name, dur))


@test("--fps 3: GIF delays in hundredths add up to the second (33, 34, 33 ...), WebP in ms (333, 334, 333)")
def _(tmp):
    need_pil()
    # (large enough for the heading: WebP merges a frame equal to the one before into it)
    gif, dur = frames(animate(tmp, ["--from", "2020-11-20", "--to", "2020-11-25", "--size", "200x150",
                                    "--fps", "3"], "f.gif"))
    check(sum(dur[:3]) == 1000 and sum(dur) == 2000 and all(d in (330, 340) for d in dur),
          "GIF durations %s: expected 330 or 340 ms, 1000 ms every 3 frames" % dur)
    webp, dur = frames(animate(tmp, ["--from", "2020-11-20", "--to", "2020-11-25", "--size", "200x150",
                                     "--fps", "3"], "f.webp"))
    check(sum(dur[:3]) == 1000 and sum(dur) == 2000 and all(d in (333, 334) for d in dur),
          "WebP durations %s: expected 333 or 334 ms, 1000 ms every 3 frames" % dur)


# ------------------------------------------------------------------ pixels
@test("WebP (lossless by default): every frame has exactly the pixels of render --date D (same size, title, bbox)")
def _(tmp):
    need_pil()
    opts = ["--title", "Karabakh, November 2020", "--bbox", "45.5,39,47.5,40.5", "--no-labels"]
    path = animate(tmp, ["--from", "2020-11-23", "--to", "2020-11-26", "--size", SIZE] + opts,
                   "p.webp")
    fr, _ = frames(path)
    check(len(fr) == 4, "%d frames, expected 4" % len(fr))
    for k, date in enumerate(["2020-11-23", "2020-11-24", "2020-11-25", "2020-11-26"]):
        ref = render_png(tmp, date, "p%d.png" % k, opts)
        if fr[k].tobytes() != ref.tobytes():
            diff = sum(1 for a, b in zip(fr[k].getdata(), ref.getdata()) if a != b)
            check(False, "frame %d (%s): %d pixels differ from render --date %s" % (k, date, diff, date))


@test("GIF: a frame where only the dates changed stores only their pixels (unchanged ones transparent)")
def _(tmp):
    need_pil()
    # 2010: no event, so only the heading's and the caption's dates change from day to day
    one = os.path.getsize(animate(tmp, ["--from", "2010-06-01", "--to", "2010-06-01", "--size", "600x450"], "one.gif"))
    ten = animate(tmp, ["--from", "2010-06-01", "--to", "2010-06-10", "--size", "600x450"], "ten.gif")
    extra = os.path.getsize(ten) - one
    check(extra < 9 * 2000, "9 frames whose dates only change cost %d bytes (%d each); the first frame %d"
          % (extra, extra // 9, one))
    fr, _ = frames(ten)
    for k in (1, 9):
        date = "2010-06-%02d" % (k + 1)
        ref = render_png(tmp, date, "d%d.png" % k, ["--size", "600x450"])
        bad = sum(1 for a, b in zip(fr[k].getdata(), ref.getdata()) if not close(a, b, 24))
        check(bad == 0, "frame %s: %d pixels are not render's" % (date, bad))


@test("render's map options (--no-basemap, --basemap, --places, --names both): frames equal render's with them")
def _(tmp):
    need_pil()
    ne = os.path.join(os.path.dirname(KARABAKH), "basemap")
    variants = [["--no-basemap", "--title", "T"],
                ["--basemap", os.path.join(ne, "countries.fgb"), "--places", os.path.join(ne, "places.fgb"),
                 "--names", "both"]]
    for n, opts in enumerate(variants):
        path = animate(tmp, ["--from", "2020-11-24", "--to", "2020-11-25", "--size", SIZE] + opts,
                       "v%d.webp" % n)
        fr, _ = frames(path)
        check(len(fr) == 2, "%s: %d frames, expected 2" % (opts, len(fr)))
        plain = render_png(tmp, "2020-11-25", "plain%d.png" % n)
        for k, date in enumerate(["2020-11-24", "2020-11-25"]):
            ref = render_png(tmp, date, "v%d-%d.png" % (n, k), opts)
            check(fr[k].tobytes() == ref.tobytes(), "%s frame %s differs from render with the same options"
                  % (opts, date))
        check(fr[1].tobytes() != plain.tobytes(), "%s: the frame is the default map's" % opts)
    run_fail(BASE + ["--basemap", "nowhere.fgb", "-o", "x.gif"], tmp, ["--basemap", "nowhere.fgb"], code=2)
    run_fail(BASE + ["--names", "all", "-o", "x.gif"], tmp, ["--names all"], code=2)
    run_fail(BASE + ["--basemap", "x.fgb", "--no-basemap", "-o", "x.gif"], tmp, ["--no-basemap", "exclude"], code=2)
    check(not [f for f in os.listdir(tmp) if f.startswith("x.")], "a failed run left a file")


@test("Kalbajar's interior is AM's colour in the 2020-11-24 frame and AZ's in the 2020-11-25 one (GIF, WebP, lossy WebP)")
def _(tmp):
    need_pil()
    x, y = kalbajar_pixel(tmp)
    for name, tol, extra in (("k.gif", 0, []), ("kl.webp", 0, []), ("k.webp", 12, ["--quality", "80"])):
        fr, _ = frames(animate(tmp, ["--from", "2020-11-23", "--to", "2020-11-25", "--size", SIZE] + extra,
                               name))
        check(len(fr) == 3, "%s: %d frames, expected 3" % (name, len(fr)))
        got = [fr[k].getpixel((x, y)) for k in range(3)]
        check(close(got[1], AM, tol) and close(got[2], AZ, tol),
              "%s: pixel (%d,%d) in Kalbajar is %s on 11-24 and %s on 11-25, expected AM's %s then AZ's %s (±%d)"
              % (name, x, y, got[1], got[2], AM, AZ, tol))


@test("GIF: frames are render's pixels, exactly where a frame has <= 256 colours, else near")
def _(tmp):
    need_pil()
    fr, _ = frames(animate(tmp, ["--from", "2020-11-24", "--to", "2020-11-25", "--size", SIZE], "g.gif"))
    for k, date in enumerate(["2020-11-24", "2020-11-25"]):
        ref = render_png(tmp, date, "g%d.png" % k)
        # thousands of colours (anti-aliased text and edges): each drawn by a near one
        diffs = [max(abs(a[i] - b[i]) for i in range(3)) for a, b in zip(fr[k].getdata(), ref.getdata())]
        same = sum(1 for d in diffs if d == 0)
        check(max(diffs) <= 32 and sum(diffs) / len(diffs) < 2 and same >= 0.7 * len(diffs),
              "frame %d (%s): %d of %d pixels are render's, the others off by up to %d (mean %.2f)"
              % (k, date, same, len(diffs), max(diffs), sum(diffs) / len(diffs)))
    # a map of few colours is exact: no labels, a small bbox, 48x36 pixels
    opts = ["--no-labels", "--bbox", "46.0,39.9,46.2,40.1", "--size", "48x36"]
    fr, _ = frames(animate(tmp, ["--from", "2020-11-24", "--to", "2020-11-25"] + opts, "s.gif"))
    for k, date in enumerate(["2020-11-24", "2020-11-25"]):
        run_ok(["render", "--date", date, "-o", "s%d.png" % k] + opts, tmp)
        ref = Image.open(os.path.join(tmp, "s%d.png" % k)).convert("RGB")
        ncol = len(ref.getcolors(1 << 16))
        check(ncol <= 256, "render --date %s %s has %d colours: pick a map of 256 or fewer"
              % (date, " ".join(opts), ncol))
        check(fr[k].tobytes() == ref.tobytes(), "frame %d (%s): a map of %d colours is not exact"
              % (k, date, ncol))


# ------------------------------------------------------------------- video
@test("MP4 and WebM (when built with FFmpeg): frame count, frame rate, --hold-last frames, Kalbajar's colours")
def _(tmp):
    need_pil()
    if not video_built(tmp):
        raise Skip("this frontline was built without FFmpeg (-Dffmpeg=disabled)")
    x, y = kalbajar_pixel(tmp)
    for name, codec in (("v.mp4", "h264"), ("v.webm", "vp9")):
        path = animate(tmp, ["--from", "2020-11-23", "--to", "2020-11-25", "--size", SIZE, "--fps", "5",
                             "--hold-last", "1"], name)
        info = ffprobe_frames(path)
        check(info.get("codec_name") == codec, "%s: codec %s, expected %s" % (name, info.get("codec_name"), codec))
        check(info.get("nb_read_frames") == "8", "%s: %s frames, expected 3 + 5 held (1 s at 5 fps)"
              % (name, info.get("nb_read_frames")))
        check(info.get("r_frame_rate") == "5/1", "%s: frame rate %s, expected 5/1" % (name, info.get("r_frame_rate")))
        check((info.get("width"), info.get("height")) == ("400", "300"), "%s: size %s" % (name, info))
        a, b, last = video_frame(tmp, path, 1), video_frame(tmp, path, 2), video_frame(tmp, path, 7)
        check(close(a.getpixel((x, y)), AM, 16) and close(b.getpixel((x, y)), AZ, 16)
              and close(last.getpixel((x, y)), AZ, 16),
              "%s: Kalbajar's pixel is %s, %s, %s in frames 1, 2, 7; expected AM %s, AZ %s, AZ"
              % (name, a.getpixel((x, y)), b.getpixel((x, y)), last.getpixel((x, y)), AM, AZ))
    run_fail(["animate", "--from", "2020-11-24", "--to", "2020-11-25", "--size", "401x300", "-o", "odd.mp4"],
             tmp, ["--size 401x300", "even"], code=2)
    check(not os.path.exists(os.path.join(tmp, "odd.mp4")), "odd.mp4 written by a failed run")
    check(not [f for f in os.listdir(tmp) if ".tmp-" in f], "temporary files left: %s" % os.listdir(tmp))


@test("video with FFmpeg's libavcodec unloadable: an error naming it, exit 1, nothing written")
def _(tmp):
    if not video_built(tmp):
        raise Skip("this frontline was built without FFmpeg (-Dffmpeg=disabled)")
    sonames = sorted({os.path.basename(p) for p in glob.glob("/usr/lib/*/libavcodec.so.[0-9]*")
                      if os.path.basename(p).count(".") == 2})
    if not sonames:
        raise Skip("libavcodec's soname not found under /usr/lib")
    for kind in ("empty", "other"):
        env = fake_library(os.path.join(tmp, "lib-" + kind), sonames[-1], kind)
        p = run(BASE + ["-o", "v.mp4"], tmp, env=env)
        # (a wrong libavcodec may be refused by the library that needs it: either is named)
        check(p.returncode == 1 and "FFmpeg (libav" in p.stderr and ".so." in p.stderr,
              "a broken %s (%s) must fail naming FFmpeg's library\n%s" % (sonames[-1], kind, describe(p)))
        check(not os.path.exists(os.path.join(tmp, "v.mp4")), "v.mp4 written by a failed run")
        run_ok(BASE + ["-o", "still.gif"], tmp, env=env)  # GIF needs no FFmpeg


# --------------------------------------------------------------- bad input
BASE = ["animate", "--from", "2020-11-24", "--to", "2020-11-25", "--size", "64x48"]


@test("bad input on every option: an error naming it, exit 2, nothing written")
def _(tmp):
    os.mkdir(os.path.join(tmp, "folder.gif"))
    cases = [
        (["--step", "year", "-o", "x.gif"], ["--step year", "day, week or month"]),
        (["--step", "event", "-o", "x.gif"], ["--step event"]),
        (["--fps", "0", "-o", "x.gif"], ["--fps 0", "1 to 100"]),
        (["--fps", "101", "-o", "x.gif"], ["--fps 101"]),
        (["--fps", "four", "-o", "x.gif"], ["--fps four", "whole number"]),
        (["--hold-last", "-1", "-o", "x.gif"], ["--hold-last -1", "0 to 3600"]),
        (["--hold-last", "1s", "-o", "x.gif"], ["--hold-last 1s", "seconds"]),
        (["--hold-last", "nan", "-o", "x.gif"], ["--hold-last nan"]),
        (["--quality", "101", "-o", "x.webp"], ["--quality 101", "0 to 100"]),
        (["--quality", "-1", "-o", "x.webp"], ["--quality -1", "0 to 100"]),
        (["--lossless", "--quality", "80", "-o", "x.webp"], ["--lossless", "--quality 80", "exclude"]),
        (["--size", "10x10", "-o", "x.gif"], ["--size 10x10"]),
        (["-o", "x.png"], ["-o x.png", ".gif"]),
        (["-o", "noextension"], ["-o noextension", ".gif"]),
        (["-o", "missing/x.gif"], ["-o missing/x.gif", "does not exist"]),
        (["-o", "folder.gif"], ["-o folder.gif", "folder"]),
    ]
    for extra, want in cases:
        run_fail(BASE + extra, tmp, want, code=2)
        no_files(tmp, ["folder.gif"])
    run_fail(["animate", "--from", "2020-12-01", "--to", "2020-11-01", "-o", "x.gif"], tmp,
             ["--from 2020-12-01", "after", "--to 2020-11-01"], code=2)
    run_fail(["animate", "--from", "2020-11-31", "--to", "2020-12-01", "-o", "x.gif"], tmp, ["--from", "2020-11-31"],
             code=2)
    run_fail(["animate", "--to", "2020-12-01", "-o", "x.gif"], tmp, ["--from"], code=2)
    run_fail(["animate", "--from", "2020-11-01", "--to", "2020-12-01"], tmp, ["-o"], code=2)
    run_fail(["animate", "--from", "1900-01-01", "--to", "2020-12-01", "-o", "x.gif"], tmp,
             ["--from", "--to", "10000 frames"], code=2)
    no_files(tmp, ["folder.gif"])


@test("a failed run leaves an existing file as it was")
def _(tmp):
    path = os.path.join(tmp, "keep.gif")
    with open(path, "wb") as f:
        f.write(b"old")
    run_fail(BASE + ["--fps", "0", "-o", "keep.gif"], tmp, ["--fps 0"], code=2)
    with open(path, "rb") as f:
        check(f.read() == b"old", "keep.gif was changed by a failed run")
    no_files(tmp, ["keep.gif"])


# ---------------------------------------------------------------- progress
@test("a progress bar on stderr when it is a terminal, none when it is not")
def _(tmp):
    p = run_ok(BASE + ["-o", "quiet.gif"], tmp)
    check(p.stderr == "", "stderr is not a terminal, yet it got %r" % p.stderr)
    master, slave = pty.openpty()
    env = dict(os.environ)
    env.pop("FRONTLINE_TRACKER", None)
    proc = subprocess.Popen([os.path.abspath(sys.argv[1])] + BASE + ["-o", "tty.gif"], cwd=tmp, env=env,
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    rc = proc.wait(timeout=300)
    text = out.decode("utf-8", "replace")
    check(rc == 0, "exit %d, stderr %r" % (rc, text))
    check("2/2 frames" in text and "1/2 frames" in text and "[" in text,
          "the terminal got no progress bar: %r" % text)


if __name__ == "__main__":
    sys.exit(main("fl-animate-"))
