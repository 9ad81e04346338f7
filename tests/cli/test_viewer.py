#!/usr/bin/python3
"""The map viewer of `frontline serve` in a real browser: headless Chromium
driven by Selenium opens /viewer, moves the date slider across 2020-11-25
(the handover of Kalbajar) with the keyboard, and checks that Kalbajar's fill
colour changes from the AM colour to the AZ colour; then compare mode shows
the changes of November 2020; /viewer?date=D opens on a day, and the page's
URL follows the slider and the compare dates so that it reopens the same
view.  Screenshots are saved under the build
directory's meson-logs/ (the path is printed).

Usage: /usr/bin/python3 test_viewer.py PATH/TO/frontline SOURCE_ROOT

Prints TAP.  Skips only when Chromium, chromedriver or python3-selenium is
not installed (scripts/setup.sh installs them).
"""
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

# the assertions shared with the other tool tests (fltest.py, beside this
# script); the runner below stays: its four steps drive one browser in turn,
# and a failure reports the browser's console
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import BIN, KARABAKH, Failure, check  # noqa: E402

if len(sys.argv) != 3:
    sys.exit("usage: test_viewer.py FRONTLINE_BINARY SOURCE_ROOT")
# build/src/cli/frontline -> build/meson-logs
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(BIN))), "meson-logs")
AM, AZ = "#e8842c", "#0092bc"  # geodata/karabakh/actors.csv

NAMES = ["viewer loads the map of the last event date with a legend",
         "moving the slider across 2020-11-25 changes Kalbajar's colour from AM to AZ",
         "a popup gives holder, since, source and status",
         "compare mode shows the changes between two chosen dates",
         "/viewer?date=2020-11-25 opens on that date, and the URL follows the slider",
         "the compare dates are kept in the URL, and that URL reopens the same view",
         "uncertain ground (Jabrayil on 2020-10-20) is hatched over its holder's colour, with a legend row"]


def skip_all(reason):
    print("1..%d" % len(NAMES))
    for k, n in enumerate(NAMES, 1):
        print("ok %d - %s # SKIP %s" % (k, n, reason))
    return 0


def main():
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

        for k, (name, fn) in enumerate(zip(NAMES, results), 1):
            try:
                fn()
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
