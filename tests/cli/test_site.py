#!/usr/bin/python3
"""The static site of `frontline export --site DIR` in a real browser: the
folder is served by a plain static file server (Python's http.server with
HTTP range requests, as any static host or CDN answers them) and headless
Chromium, driven by Selenium, opens it.  Checked: the map of the last
change with a legend; Kalbajar's interior has AM's colour on 2020-11-24 and
AZ's on 2020-11-25 (the pixels of screenshots, decoded with Pillow), by
?date= and by a key press on the slider; the play button steps to the next
day of change; the tiles come from control.pmtiles by range requests only
(no request ever reads the whole file); and no request leaves the site.

Usage: /usr/bin/python3 test_site.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  Skips when Chromium, chromedriver, python3-selenium or
python3-pil is not installed, or when protomaps-leaflet is not (npm, by
scripts/setup.sh into share/site/vendor).
"""
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import BIN, KARABAKH, SRC, Failure, check  # noqa: E402

ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(BIN))), "meson-logs")
AM, AZ = "#e8842c", "#0092bc"  # geodata/karabakh/actors.csv
BACKGROUND = "#dde6ea"  # site.css #map
OPACITY = 0.75  # site.js, the control layer's fill
NAMES = ["the site opens on the last day of change, with the legend and the credits",
         "Kalbajar's interior: AM's colour on 2020-11-24, AZ's on 2020-11-25 (?date=)",
         "a key press on the slider moves 2020-11-24 to 2020-11-25 and Kalbajar turns AZ",
         "play steps to the next day of change, and pauses when pressed again",
         "control.pmtiles is read by range requests only; every request stays on the site"]


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with single byte ranges (RFC 7233), as nginx or a CDN
    serves them; each request is recorded."""
    log = []

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        rng = self.headers.get("Range")
        Handler.log.append((self.path, rng))
        m = re.match(r"bytes=(\d+)-(\d*)$", rng or "")
        if not m or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        a = int(m.group(1))
        b = min(int(m.group(2)) if m.group(2) else size - 1, size - 1)
        if a >= size:
            self.send_error(416)
            return None
        with open(path, "rb") as f:
            f.seek(a)
            data = f.read(b - a + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", "bytes %d-%d/%d" % (a, b, size))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return io.BytesIO(data)


def skip_all(reason):
    print("1..%d" % len(NAMES))
    for k, n in enumerate(NAMES, 1):
        print("ok %d - %s # SKIP %s" % (k, n, reason))
    return 0


def main():
    try:
        from PIL import Image
        from shapely.geometry import shape
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError as e:
        return skip_all("not installed: %s" % e)
    chromium, driver_exe = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_exe:
        return skip_all("chromium / chromium-driver are not installed")
    if not os.path.isdir(os.path.join(SRC, "share", "site", "vendor", "node_modules", "protomaps-leaflet")):
        return skip_all("protomaps-leaflet is not installed (scripts/setup.sh runs npm ci)")

    tmp = tempfile.mkdtemp(prefix="fl-site-")
    site = os.path.join(tmp, "site")
    env = dict(os.environ)
    env.pop("FRONTLINE_TRACKER", None)
    p = subprocess.run([BIN, "-d", KARABAKH, "export", "--site", site], capture_output=True, text=True, env=env)
    print("1..%d" % len(NAMES))
    if p.returncode:
        for k, n in enumerate(NAMES, 1):
            print("not ok %d - %s" % (k, n))
        print("# export --site failed: %s" % p.stderr.replace("\n", "\n# "))
        shutil.rmtree(tmp)
        return 1
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: Handler(*a, directory=site))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    out = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", os.path.join(KARABAKH, "regions.geojson")],
                         check=True, stdout=subprocess.PIPE).stdout
    regions = {f["properties"]["id"]: shape(f["geometry"]) for f in json.loads(out)["features"]}

    profile = tempfile.mkdtemp(prefix="fl-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--no-first-run", "--disable-extensions", "--window-size=1200,900",
              "--user-data-dir=" + profile):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = None
    failed = 0
    try:
        driver = webdriver.Chrome(service=Service(driver_exe), options=opts)
        driver.set_page_load_timeout(120)
        wait = WebDriverWait(driver, 120)
        os.makedirs(ARTIFACTS, exist_ok=True)

        def loaded(date):
            wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") == date)

        def rgb(h):
            return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))

        def over(color, under):
            return tuple(round(OPACITY * a + (1 - OPACITY) * b) for a, b in zip(rgb(color), rgb(under)))

        def look(region, name, half=4):
            """The most frequent colour of a small window around the
            region's representative point, the map centred there at zoom 9."""
            at = regions[region].representative_point()
            driver.execute_script(
                "document.getElementById('legend').style.display='none';"
                "window.frontlineSite.map.setView([arguments[0], arguments[1]], 9, {animate: false});",
                at.y, at.x)
            date = driver.find_element(By.TAG_NAME, "body").get_attribute("data-loaded")
            # the layer draws the tiles of the new view: wait until none is loading
            wait.until(lambda d: d.execute_script(
                "var l = null; window.frontlineSite.map.eachLayer(function (x) { if (x.isLoading) l = x; });"
                "return l && !l.isLoading();"))
            driver.execute_script("return new Promise(function (r) { setTimeout(r, 600); })")
            x, y = driver.execute_script("return window.frontlineSite.pixel(arguments[0], arguments[1])", at.y, at.x)
            inner = driver.execute_script("return window.innerWidth")
            png = driver.get_screenshot_as_png()
            with open(os.path.join(ARTIFACTS, name), "wb") as fh:
                fh.write(png)
            print("# screenshot: %s (%s)" % (os.path.join(ARTIFACTS, name), date))
            img = Image.open(io.BytesIO(png)).convert("RGB")
            k = img.width / inner
            cx, cy = int(round(x * k)), int(round(y * k))
            px = [img.getpixel((cx + i, cy + j)) for i in range(-half, half + 1) for j in range(-half, half + 1)]
            return max(set(px), key=px.count)

        def near(a, b, tol=3):
            return all(abs(x - y) <= tol for x, y in zip(a, b))

        def t1():
            driver.get(base + "/index.html")
            wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))
            with open(os.path.join(site, "site.json"), encoding="utf-8") as f:
                last = json.load(f)["stops"][-1]
            check(driver.find_element(By.ID, "date").text == last,
                  "date shown %r, expected the last change %r" % (driver.find_element(By.ID, "date").text, last))
            legend = driver.find_element(By.ID, "legend").text
            check("AZ" in legend and "Republic of Azerbaijan" in legend, "legend %r" % legend)
            credits = driver.find_element(By.CSS_SELECTOR, ".leaflet-control-attribution").text
            check("geoBoundaries" in credits and "Leaflet" in credits, "credits %r" % credits)
            check(not driver.find_element(By.ID, "status").text, "error shown")

        def t2():
            for date, who, name in (("2020-11-24", AM, "AM"), ("2020-11-25", AZ, "AZ")):
                driver.get(base + "/index.html?date=" + date)
                loaded(date)
                got = look("kalbajar", "site-kalbajar-%s.png" % date)
                check(near(got, over(who, BACKGROUND)), "Kalbajar on %s is %r, expected %s's %s at %g over %s: %r"
                      % (date, got, name, who, OPACITY, BACKGROUND, over(who, BACKGROUND)))
            check("2020-11-25" in driver.current_url, "the URL does not keep the date: %s" % driver.current_url)

        def t3():
            driver.get(base + "/index.html?date=2020-11-24")
            loaded("2020-11-24")
            check(near(look("kalbajar", "site-key-2020-11-24.png"), over(AM, BACKGROUND)), "not AM on 2020-11-24")
            driver.find_element(By.ID, "slider").send_keys(Keys.ARROW_RIGHT)
            loaded("2020-11-25")
            check(driver.find_element(By.ID, "date").text == "2020-11-25", "date label after ARROW_RIGHT")
            check(near(look("kalbajar", "site-key-2020-11-25.png"), over(AZ, BACKGROUND)), "not AZ after the key")

        def t4():
            driver.get(base + "/index.html?date=2020-11-21")
            loaded("2020-11-21")
            with open(os.path.join(site, "site.json"), encoding="utf-8") as f:
                stops = json.load(f)["stops"]
            nxt = [s for s in stops if s > "2020-11-21"][0]
            driver.find_element(By.ID, "play").click()
            loaded(nxt)
            play = driver.find_element(By.ID, "play")
            check(play.get_attribute("aria-pressed") == "true", "play is not pressed")
            play.click()
            check(play.get_attribute("aria-pressed") == "false", "play did not pause")

        def t5():
            tiles = [r for path, r in Handler.log if path.startswith("/control.pmtiles")]
            check(len(tiles) >= 2, "%d requests of control.pmtiles" % len(tiles))
            check(all(r and r.startswith("bytes=") for r in tiles), "a request without a range: %r" % tiles)
            perf = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
            urls = [m["params"]["request"]["url"] for m in perf if m.get("method") == "Network.requestWillBeSent"]
            away = [u for u in urls if u.startswith(("http:", "https:", "ws:", "wss:")) and not u.startswith(base)]
            check(urls and not away, "requests leave the site: %r" % away[:5])

        for k, (name, fn) in enumerate(zip(NAMES, (t1, t2, t3, t4, t5)), 1):
            try:
                fn()
                print("ok %d - %s" % (k, name))
            except Exception as ex:
                failed += 1
                print("not ok %d - %s" % (k, name))
                msg = str(ex) if isinstance(ex, Failure) else traceback.format_exc()
                print("# " + msg.replace("\n", "\n# "))
                for e in driver.get_log("browser")[:10]:
                    print("# browser: %s" % e.get("message", "")[:300])
    except Failure as ex:
        failed = len(NAMES)
        print("# %s" % ex)
    finally:
        if driver:
            driver.quit()
        srv.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
