#!/usr/bin/python3
"""The map viewer of `frontline serve` in a real browser: headless Chromium
driven by Selenium opens /viewer, moves the date slider across 2020-11-25
(the handover of Kalbajar) with the keyboard, and checks that Kalbajar's fill
colour changes from the AM colour to the AZ colour; then compare mode shows
the changes of November 2020; /viewer?date=D opens on a day, and the page's
URL follows the slider and the compare dates so that it reopens the same
view.  Then the base map, labels, credits, hatching of partial ground, the
slider to today and the play button, checked in the DOM and in the pixels of
screenshots (decoded with Pillow), and the /basemap routes over HTTP.
Screenshots are saved under the build directory's meson-logs/ (the path is
printed).

Usage: /usr/bin/python3 test_viewer.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  Skips only when Chromium, chromedriver, python3-selenium,
python3-pil or python3-shapely is not installed (scripts/setup.sh installs
them).
"""
import datetime
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

# the assertions shared with the other tool tests (fltest.py, beside this
# script); the runner below stays: its four steps drive one browser in turn,
# and a failure reports the browser's console
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import BIN, KARABAKH, SRC as SRC_ROOT, Failure, check  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: test_viewer.py FRONTLINE_BINARY SOURCE_ROOT")
# build/src/cli/frontline -> build/meson-logs
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(BIN))), "meson-logs")
AM, AZ = "#e8842c", "#0092bc"  # geodata/karabakh/actors.csv
LAND = "#e8e8e0"  # the base map's land (viewer's basemap.js, as render.c's 0.91, 0.91, 0.88)
SEA = "#dde6ea"

NAMES = ["viewer loads the map of the last event date with a legend",
         "moving the slider across 2020-11-25 changes Kalbajar's colour from AM to AZ",
         "a popup gives holder, since, source, status and the region's other names",
         "compare mode shows the changes between two chosen dates",
         "/viewer?date=2020-11-25 opens on that date, and the URL follows the slider",
         "the compare dates are kept in the URL, and that URL reopens the same view",
         "uncertain ground (Jabrayil on 2020-10-20) is hatched over its holder's colour, with a legend row",
         "the credits: the tracker's attribution, Natural Earth and Leaflet",
         "the base map: land colour in Georgia, outside the tracker; place labels (Stepanakert, Baku)",
         "the pixels inside Kalbajar: AM's colour over the land on 2020-11-24, AZ's on 2020-11-25",
         "partial ground (Shusha on 2020-11-08, Fuzuli in 1994) is hatched, with a legend row",
         "the slider reaches today; play steps to the next event's day, pauses, and stops at the end",
         "/basemap routes: the layers cut to the extent, the attribution on /, bad layer and parameter",
         "?tiles=1: control from the whole-history tiles (no items request, none per date), Kalbajar AM then AZ"]


class Skip(Exception):
    pass


def skip_all(reason):
    print("1..%d" % len(NAMES))
    for k, n in enumerate(NAMES, 1):
        print("ok %d - %s # SKIP %s" % (k, n, reason))
    return 0


def main():
    try:
        from PIL import Image
        from shapely.geometry import Point, shape
    except ImportError:
        return skip_all("python3-pil or python3-shapely is not installed")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        return skip_all("python3-selenium is not installed")
    chromium = shutil.which("chromium")
    driver_exe = shutil.which("chromedriver")
    if not chromium or not driver_exe:
        return skip_all("chromium / chromium-driver are not installed")

    e = dict(os.environ)
    e.pop("FRONTLINE_TRACKER", None)
    srv = subprocess.Popen([BIN, "-d", KARABAKH, "serve", "--port", "0"], stderr=subprocess.PIPE,
                           stdout=subprocess.DEVNULL, env=e, text=True)
    port = None
    lines = []
    deadline = time.time() + 120
    while time.time() < deadline and port is None:
        line = srv.stderr.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1))
    if port is None:
        srv.kill()
        print("1..%d" % len(NAMES))
        for k, n in enumerate(NAMES, 1):
            print("not ok %d - %s" % (k, n))
        print("# the server did not start: " + "".join(lines).replace("\n", "\n# "))
        return 1
    threading.Thread(target=lambda: [lines.append(x) for x in srv.stderr], daemon=True).start()
    base = "http://127.0.0.1:%d" % port

    profile = tempfile.mkdtemp(prefix="fl-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--no-first-run", "--disable-extensions", "--window-size=1200,900",
              "--user-data-dir=" + profile):
        opts.add_argument(a)
    driver = None
    print("1..%d" % len(NAMES))
    failed = 0
    try:
        try:
            driver = webdriver.Chrome(service=Service(driver_exe), options=opts)
        except Exception as ex:  # the browser is installed but cannot run: a failure, not a skip
            raise Failure("cannot start headless Chromium: %s" % ex)
        driver.set_page_load_timeout(120)
        wait = WebDriverWait(driver, 120)
        os.makedirs(ARTIFACTS, exist_ok=True)

        def loaded(date):
            wait.until(lambda d: (d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") or "")
                       .startswith(date))

        def fill(region):
            els = driver.find_elements(By.CSS_SELECTOR, "path.region-" + region)
            check(len(els) == 1, "%d paths for %s" % (len(els), region))
            return els[0].get_attribute("fill").lower()

        def status():
            return driver.find_element(By.ID, "status").text

        def shot(name):
            path = os.path.join(ARTIFACTS, name)
            driver.save_screenshot(path)
            print("# screenshot: %s" % path)

        results = []

        def t1():
            driver.get(base + "/viewer")
            wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))
            check(driver.find_element(By.ID, "date").text == "2023-09-20",
                  "date shown %r, expected the last event date" % driver.find_element(By.ID, "date").text)
            check(len(driver.find_elements(By.CSS_SELECTOR, "path[class*=region-]")) == 78, "not 78 regions drawn")
            legend = driver.find_element(By.ID, "legend").text
            check("AZ" in legend and "km²" in legend, "legend %r" % legend)
            check(not status(), "error shown: %r" % status())
        results.append(t1)

        def t2():
            slider = driver.find_element(By.ID, "slider")
            driver.execute_script("window.frontlineViewer.setDate('2020-11-24')")
            loaded("2020-11-24")
            check(driver.find_element(By.ID, "date").text == "2020-11-24", "date label")
            before = fill("kalbajar")
            shot("viewer-2020-11-24.png")
            # a real key press on the slider: one day forward
            slider.send_keys(Keys.ARROW_RIGHT)
            loaded("2020-11-25")
            check(driver.find_element(By.ID, "date").text == "2020-11-25",
                  "after ARROW_RIGHT the date shown is %r" % driver.find_element(By.ID, "date").text)
            after = fill("kalbajar")
            shot("viewer-2020-11-25.png")
            check(before == AM, "Kalbajar on 2020-11-24 is %s, expected AM's %s" % (before, AM))
            check(after == AZ, "Kalbajar on 2020-11-25 is %s, expected AZ's %s" % (after, AZ))
            check(fill("lachin") == AM, "Lachin changed too early")
        results.append(t2)

        def t3():
            driver.execute_script(
                "var p=document.querySelector('path.region-kalbajar');"
                "p.dispatchEvent(new MouseEvent('click',{bubbles:true,clientX:600,clientY:400}));")
            # textContent: .text is empty while the popup is still fading in
            wait.until(lambda d: "Kalbajar" in (d.execute_script(
                "var p=document.querySelector('.leaflet-popup-content');"
                "return p ? p.textContent : '';") or ""))
            text = driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").get_attribute("textContent")
            for w in ("Kalbajar", "holder", "AZ", "since", "2020-11-25", "source", "status", "confirmed"):
                check(w in text, "popup lacks %r: %r" % (w, text))
            # the tracker's other names in the popup, beside its `name` (the label)
            check("Karvachar, Kelbadzhar" in text, "popup lacks the alternative names: %r" % text)
            time.sleep(0.5)  # the popup fades in
            shot("viewer-popup.png")
        results.append(t3)

        def t4():
            driver.find_element(By.ID, "compare").click()
            driver.execute_script(
                "var a=document.getElementById('d1'), b=document.getElementById('d2');"
                "a.value='2020-11-09'; b.value='2020-12-02';"
                "b.dispatchEvent(new Event('change'));")
            loaded("2020-11-25 2020-11-09/2020-12-02")
            changed = sorted(re.sub(r".*region-", "", e.get_attribute("class")).split()[0]
                             for e in driver.find_elements(By.CSS_SELECTOR, "path.change"))
            check(changed == ["agdam", "kalbajar", "lachin"], "changes drawn: %r" % changed)
            legend = driver.find_element(By.ID, "legend").text
            check("2020-11-09" in legend and "AZ" in legend, "legend %r" % legend)
            shot("viewer-compare.png")
        results.append(t4)

        def t5():
            driver.get(base + "/viewer?date=2020-11-25")
            loaded("2020-11-25")
            check(driver.find_element(By.ID, "date").text == "2020-11-25",
                  "opened on %r" % driver.find_element(By.ID, "date").text)
            check(fill("kalbajar") == AZ, "Kalbajar on 2020-11-25 is not AZ")
            check(not status(), "error shown: %r" % status())
            driver.find_element(By.ID, "slider").send_keys(Keys.ARROW_LEFT)
            loaded("2020-11-24")
            check(fill("kalbajar") == AM, "Kalbajar on 2020-11-24 is not AM")
            check(driver.current_url == base + "/viewer?date=2020-11-24",
                  "after the slider moved the URL is %r" % driver.current_url)
        results.append(t5)

        def t6():
            driver.find_element(By.ID, "compare").click()
            driver.execute_script(
                "var a=document.getElementById('d1'), b=document.getElementById('d2');"
                "a.value='2020-11-09'; b.value='2020-12-02';"
                "b.dispatchEvent(new Event('change'));")
            loaded("2020-11-24 2020-11-09/2020-12-02")
            url = driver.current_url
            check(url == base + "/viewer?date=2020-11-24&compare=2020-11-09/2020-12-02",
                  "compare mode: the URL is %r" % url)
            driver.get(base + "/viewer")  # elsewhere, then the shared link
            loaded("2023-09-20")
            driver.get(url)
            loaded("2020-11-24 2020-11-09/2020-12-02")
            check(driver.find_element(By.ID, "compare").is_selected(), "compare mode is off")
            check(driver.find_element(By.ID, "date").text == "2020-11-24", "date %r" %
                  driver.find_element(By.ID, "date").text)
            changed = sorted(re.sub(r".*region-", "", e.get_attribute("class")).split()[0]
                             for e in driver.find_elements(By.CSS_SELECTOR, "path.change"))
            check(changed == ["agdam", "kalbajar", "lachin"], "changes drawn: %r" % changed)
            under = [e.get_attribute("fill").lower() for e in
                     driver.find_elements(By.CSS_SELECTOR, "path.region-kalbajar:not(.change)")]
            check(under == [AM], "the map under the changes is not 2020-11-24's: %r" % under)
        results.append(t6)

        def t7():
            driver.get(base + "/viewer?date=2020-10-20")
            loaded("2020-10-20")
            check(fill("jabrayil") == AZ, "Jabrayil's nominal holder on 2020-10-20 is not AZ")
            hatch = driver.find_elements(By.CSS_SELECTOR, "path.uncertain.hatch-jabrayil")
            check(len(hatch) == 1 and hatch[0].get_attribute("fill") == "url(#fl-hatch)",
                  "no hatching over Jabrayil: %r" % [h.get_attribute("fill") for h in hatch])
            check(not driver.find_elements(By.CSS_SELECTOR, "path.uncertain.hatch-kalbajar"),
                  "Kalbajar (sure AM) is hatched")
            legend = driver.find_element(By.ID, "legend").text
            check("uncertain" in legend, "legend %r" % legend)
            shot("viewer-uncertain-2020-10-20.png")
            driver.get(base + "/viewer?date=2020-11-15")
            loaded("2020-11-15")
            check(not driver.find_elements(By.CSS_SELECTOR, "path.uncertain"), "hatching after the periods")
        results.append(t7)

        # ---- pixels: the page's screenshot at a point of the map
        def http(path):
            try:
                with urllib.request.urlopen(base + path, timeout=120) as r:
                    return r.status, r.headers.get("Content-Type"), r.read()
            except urllib.error.HTTPError as ex:
                return ex.code, ex.headers.get("Content-Type"), ex.read()

        regions = {f["properties"]["id"]: shape(f["geometry"]) for f in
                   json.loads(http("/collections/regions/items?f=json&limit=10000")[2])["features"]}

        def rgb(h):
            return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))

        def over(color, under, alpha=0.7):  # a region's fill (opacity 0.7) over the base map
            return tuple(round(alpha * a + (1 - alpha) * b) for a, b in zip(rgb(color), rgb(under)))

        def basemap_ready():
            wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-basemap"))

        def look(lat, lng, zoom, name, half=5):
            """The pixels of a (2 half + 1)-square window around (lat, lng), the
            map centred there at zoom, without the labels and the legend."""
            driver.execute_script(
                "document.querySelector('.leaflet-labels-pane').style.display='none';"
                "document.getElementById('legend').style.display='none';"
                "window.frontlineViewer.map.closePopup();"
                "window.frontlineViewer.map.setView([arguments[0], arguments[1]], arguments[2],"
                " {animate: false});", lat, lng, zoom)
            x, y = driver.execute_script("return window.frontlineViewer.pixel(arguments[0], arguments[1])",
                                         lat, lng)
            inner = driver.execute_script("return window.innerWidth")
            png = driver.get_screenshot_as_png()
            with open(os.path.join(ARTIFACTS, name), "wb") as fh:
                fh.write(png)
            print("# screenshot: %s" % os.path.join(ARTIFACTS, name))
            img = Image.open(io.BytesIO(png)).convert("RGB")
            k = img.width / inner
            cx, cy = int(round(x * k)), int(round(y * k))
            check(half <= cx < img.width - half and half <= cy < img.height - half,
                  "(%g, %g) is off the screenshot at %d,%d" % (lat, lng, cx, cy))
            return [img.getpixel((cx + i, cy + j)) for i in range(-half, half + 1)
                    for j in range(-half, half + 1)]

        def mode(px):
            return max(set(px), key=px.count)

        def near(a, b, tol=2):
            return all(abs(x - y) <= tol for x, y in zip(a, b))

        def dark(px):
            return sum(1 for p in px if max(p) < 100)

        def t8():
            driver.get(base + "/viewer?date=2020-11-24")
            loaded("2020-11-24")
            basemap_ready()
            text = driver.find_element(By.CSS_SELECTOR, ".leaflet-control-attribution").text
            with open(os.path.join(KARABAKH, "README.md"), encoding="utf-8") as fh:
                readme = fh.read()
            m = re.search(r"Attribution: (.*?\.) ", readme.replace("\n", " "))
            check(m, "the tracker's README has no Attribution line")
            for w in ("geoBoundaries (Runfola et al.)", "CC BY-SA 3.0", "Made with Natural Earth", "Leaflet"):
                check(w in text, "the credits lack %r: %r" % (w, text))
            check(m.group(1)[:-1] in text, "the credits lack the tracker's attribution %r: %r" % (m.group(1), text))
        results.append(t8)

        def t9():
            lat, lng = 41.55, 44.6  # near Marneuli, Georgia
            out = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "/vsistdout/",
                                  os.path.join(SRC_ROOT, "geodata", "basemap", "countries.fgb")],
                                 check=True, stdout=subprocess.PIPE).stdout
            georgia = [shape(f["geometry"]) for f in json.loads(out.decode("utf-8"))["features"]
                       if f["properties"]["ADM0_A3"] == "GEO"][0]
            check(georgia.contains(Point(lng, lat)), "the point is not in Georgia")
            check(not any(g.contains(Point(lng, lat)) for g in regions.values()), "the point is in a region")
            labels = [e.get_attribute("textContent") for e in
                      driver.find_elements(By.CSS_SELECTOR, ".fl-label.place span[data-name]")]
            check("Stepanakert" in labels and "Baku" in labels, "place labels %r" % labels)
            regs = [e.get_attribute("textContent") for e in
                    driver.find_elements(By.CSS_SELECTOR, ".fl-label.region span[data-name]")]
            check("Kalbajar" in regs and "Lachin" in regs, "region labels %r" % regs)
            px = look(lat, lng, 9, "viewer-basemap-georgia.png")
            check(near(mode(px), rgb(LAND)), "Georgia at (%g, %g) is %r, expected the land %r"
                  % (lat, lng, mode(px), rgb(LAND)))
        results.append(t9)

        def t10():
            at = regions["kalbajar"].representative_point()
            for day, who, name in (("2020-11-24", AM, "AM"), ("2020-11-25", AZ, "AZ")):
                driver.get(base + "/viewer?date=" + day)
                loaded(day)
                basemap_ready()
                px = look(at.y, at.x, 9, "viewer-kalbajar-%s.png" % day)
                check(near(mode(px), over(who, LAND)),
                      "Kalbajar on %s is %r, expected %s's %s over the land: %r" % (day, mode(px), name, who,
                                                                                  over(who, LAND)))
        results.append(t10)

        def t11():
            driver.get(base + "/viewer?date=2020-11-08")
            loaded("2020-11-08")
            basemap_ready()
            hatch = driver.find_elements(By.CSS_SELECTOR, "path.partial.hatch-shusha")
            check(len(hatch) == 1 and hatch[0].get_attribute("fill") == "url(#fl-hatch-partial)",
                  "no partial hatching over Shusha: %r" % [h.get_attribute("fill") for h in hatch])
            check(not driver.find_elements(By.CSS_SELECTOR, "path.partial.hatch-kalbajar"), "Kalbajar is hatched")
            legend = driver.find_element(By.ID, "legend").text
            check("partial" in legend, "legend %r" % legend)
            at = regions["shusha"].representative_point()
            px = look(at.y, at.x, 10, "viewer-partial-shusha-2020-11-08.png", half=8)
            check(dark(px) >= 20, "%d dark pixels in Shusha: not hatched" % dark(px))
            check(any(near(p, over(AZ, LAND), 3) for p in px), "no AZ colour between the stripes in Shusha")
            at = regions["kalbajar"].representative_point()
            px = look(at.y, at.x, 10, "viewer-kalbajar-2020-11-08.png", half=8)
            check(dark(px) == 0, "%d dark pixels in Kalbajar (not partial)" % dark(px))
            driver.get(base + "/viewer?date=1994-06-01")
            loaded("1994-06-01")
            check(len(driver.find_elements(By.CSS_SELECTOR, "path.partial.hatch-fuzuli")) == 1,
                  "Fuzuli (partly taken in 1993) is not hatched in 1994")
        results.append(t11)

        def t12():
            today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
            driver.get(base + "/viewer")
            loaded("2023-09-20")
            slider = driver.find_element(By.ID, "slider")
            slider.send_keys(Keys.END)
            loaded(today)
            check(driver.find_element(By.ID, "date").text == today,
                  "the slider's end is %r, not today %s" % (driver.find_element(By.ID, "date").text, today))
            play = driver.find_elements(By.ID, "play")
            check(len(play) == 1, "no play button")
            play = play[0]
            driver.execute_script("window.frontlineViewer.setDate('2020-11-20')")
            loaded("2020-11-20")
            play.click()
            check(play.get_attribute("aria-pressed") == "true", "the play button is not pressed")
            wait.until(lambda d: d.find_element(By.ID, "date").text >= "2020-11-25")
            check(driver.find_element(By.ID, "date").text in ("2020-11-25", "2020-12-01"),
                  "play went from 2020-11-20 to %r, not the next event's day" % driver.find_element(By.ID, "date").text)
            play.click()
            check(play.get_attribute("aria-pressed") == "false", "pressed again, play did not pause")
            check("play" in play.text, "the button reads %r after the pause" % play.text)
            # from the last event: one step to today, and it stops by itself
            driver.execute_script("window.frontlineViewer.setDate('2023-09-20')")
            loaded("2023-09-20")
            play.click()
            wait.until(lambda d: play.get_attribute("aria-pressed") == "false")
            check(driver.find_element(By.ID, "date").text == today,
                  "play stopped at %r, not today" % driver.find_element(By.ID, "date").text)
            check(not status(), "error shown: %r" % status())
        results.append(t12)

        def t13():
            st, ty, body = http("/basemap")
            check(st == 200, "/basemap: %d" % st)
            idx = json.loads(body)
            check([x["id"] for x in idx["layers"]] == ["land", "countries", "lakes", "rivers", "places"],
                  "layers %r" % idx["layers"])
            check(idx["attribution"] == "Made with Natural Earth", "attribution %r" % idx["attribution"])
            bb = idx["bbox"]
            ext = json.loads(http("/collections/regions")[2])["extent"]["spatial"]["bbox"][0]
            check(bb[0] < ext[0] - 1.9 and bb[1] < ext[1] - 1.9 and bb[2] > ext[2] + 1.9 and bb[3] > ext[3] + 1.9,
                  "the cut %r is not the extent %r with a margin" % (bb, ext))
            st, ty, body = http("/basemap/countries")
            check(st == 200 and ty.startswith("application/geo+json"), "/basemap/countries: %d %s" % (st, ty))
            fc = json.loads(body)
            names = sorted(f["properties"]["NAME"] for f in fc["features"])
            for n in ("Armenia", "Azerbaijan", "Georgia", "Iran", "Turkey"):
                check(n in names, "%s is not in the countries cut: %r" % (n, names))
            check("Ukraine" not in names and "France" not in names, "the countries are not cut: %r" % names)
            for f in fc["features"]:
                x0, y0, x1, y1 = shape(f["geometry"]).bounds
                check(x0 >= bb[0] - 1e-4 and y0 >= bb[1] - 1e-4 and x1 <= bb[2] + 1e-4 and y1 <= bb[3] + 1e-4,
                      "%s is not clipped to %r: %r" % (f["properties"]["NAME"], bb, (x0, y0, x1, y1)))
            places = [f["properties"]["NAME"] for f in json.loads(http("/basemap/places")[2])["features"]]
            check("Stepanakert" in places and "Kyiv" not in places, "places %r" % places[:20])
            st, ty, body = http("/basemap/admin1")
            check(st == 404 and "no base map layer 'admin1'" in json.loads(body)["description"],
                  "/basemap/admin1: %d %r" % (st, body))
            st, ty, body = http("/basemap/..%2Fcountries")
            check(st in (400, 404), "/basemap/..%%2Fcountries: %d" % st)
            st, ty, body = http("/basemap/land?bbox=1,2,3,4")
            check(st == 400 and "unknown parameter 'bbox'" in json.loads(body)["description"],
                  "a parameter: %d %r" % (st, body))
            land = json.loads(http("/")[2])
            check(land.get("attribution", "").startswith("Attribution: region boundaries from geoBoundaries"),
                  "the landing page's attribution: %r" % land.get("attribution"))
            st, ty, body = http("/collections/control/items?f=json&limit=1&datetime=2020-11-25")
            check(st == 200 and len(json.loads(body)["features"]) == 1, "the OGC API changed: %d" % st)
        results.append(t13)

        def t14():
            if not os.path.isdir(os.path.join(SRC_ROOT, "share", "site", "vendor", "node_modules",
                                              "protomaps-leaflet")):
                raise Skip("protomaps-leaflet is not installed (scripts/setup.sh runs npm ci)")
            st, ty, body = http("/viewer/vendor/protomaps-leaflet.js")
            check(st == 200 and b"protomapsL" in body, "/viewer/vendor/protomaps-leaflet.js: %d" % st)
            st, ty, body = http("/viewer?tiles=2")
            check(st == 400 and "tiles: expected 1" in json.loads(body)["description"], "?tiles=2: %d %r" % (st, body))
            doc = json.loads(http("/collections/control?f=json")[2])
            check(doc.get("regionCount") == 78, "the control collection's regionCount %r" % doc.get("regionCount"))
            at = regions["kalbajar"].representative_point()

            def requests():
                return driver.execute_script(
                    "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
                    ".filter(function (n) { return n.indexOf('/collections/') >= 0; })")
            for day, who, name in (("2020-11-24", AM, "AM"), ("2020-11-25", AZ, "AZ")):
                if day == "2020-11-24":
                    driver.get(base + "/viewer?date=" + day + "&tiles=1")
                    loaded(day)
                    basemap_ready()
                    body = driver.find_element(By.TAG_NAME, "body")
                    check(body.get_attribute("data-control") == "tiles",
                          "?tiles=1 drew %r, not tiles" % body.get_attribute("data-control"))
                    check("tiles=1" in driver.current_url, "the URL lost tiles=1: %s" % driver.current_url)
                    driver.execute_script("window.frontlineViewer.map.setView([arguments[0], arguments[1]], 9,"
                                          " {animate: false});", at.y, at.x)
                before = len(requests())
                driver.execute_script("document.body.removeAttribute('data-loaded');"
                                      "window.frontlineViewer.setDate(arguments[0])", day)
                loaded(day)
                last = []

                def drawn(_):  # the canvas is drawn once its tiles are in: look until it shows the colour
                    last[:] = [mode(look(at.y, at.x, 9, "viewer-tiles-kalbajar-%s.png" % day))]
                    return near(last[0], over(who, LAND))
                try:
                    wait.until(drawn)
                except Exception:  # noqa
                    raise Failure("Kalbajar from tiles on %s is %r, expected %s's %s over the land"
                                  % (day, last and last[0], name, over(who, LAND)))
                if day == "2020-11-25":
                    new = requests()[before:]
                    check(not new, "the slider's date sent requests: %r" % new)
            urls = requests()
            check(any("/collections/control/tiles/WebMercatorQuad/" in u for u in urls),
                  "no tile requested: %r" % urls)
            check(not any("/collections/control/items" in u for u in urls), "control items requested: %r" % urls)
            check(not status(), "error shown: %r" % status())
        results.append(t14)

        for k, (name, fn) in enumerate(zip(NAMES, results), 1):
            try:
                fn()
            except Skip as ex:
                print("ok %d - %s # SKIP %s" % (k, name, ex))
                continue
            except Exception as ex:
                failed += 1
                print("not ok %d - %s" % (k, name))
                msg = str(ex) if isinstance(ex, Failure) else traceback.format_exc()
                for ln in msg.splitlines():
                    print("# " + ln)
                try:
                    for entry in driver.get_log("browser")[-10:]:
                        print("# console: %s" % entry.get("message"))
                except Exception:  # noqa
                    pass
            else:
                print("ok %d - %s" % (k, name))
            sys.stdout.flush()
    except Failure as ex:
        failed = len(NAMES)
        for k, n in enumerate(NAMES, 1):
            print("not ok %d - %s" % (k, n))
        print("# " + str(ex).replace("\n", "\n# "))
    finally:
        if driver:
            driver.quit()
        srv.send_signal(signal.SIGTERM)
        try:
            rc = srv.wait(timeout=60)
        except subprocess.TimeoutExpired:
            srv.kill()
            rc = -1
        shutil.rmtree(profile, ignore_errors=True)
    if rc != 0:
        print("# the server exited with %d: %s" % (rc, "".join(lines)[-2000:].replace("\n", "\n# ")))
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
