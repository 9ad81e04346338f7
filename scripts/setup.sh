#!/bin/sh
# setup.sh: install what frontline needs on Debian 12 (as root) and build it
# in build/ (clang with its libFuzzer runtime, clang-tidy, cppcheck and valgrind
# are for the hardening stages of tests/run-all.sh; cflow for the call graph
# test, tests/callgraph.py).  Idempotent: run it as often as you like.
set -eu
cd "$(dirname "$0")/.."
PKGS="meson ninja-build gcc pkg-config scdoc libgdal-dev gdal-bin libgeos-dev libproj-dev proj-data
      libcairo2-dev fonts-dejavu-core poppler-utils tzdata
      libgif-dev libwebp-dev libavcodec-dev libavformat-dev libswscale-dev libavutil-dev ffmpeg python3-pil
      libjson-c-dev libcmocka-dev python3 python3-gdal python3-pyproj python3-shapely python3-pil
      libmicrohttpd-dev zlib1g-dev libjs-leaflet chromium chromium-driver python3-selenium
      postgresql-15 postgresql-client-15 postgresql-15-postgis-3
      clang libclang-rt-14-dev clang-tidy cppcheck valgrind cflow
      libprotobuf-c-dev protobuf-c-compiler"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
export DEBIAN_FRONTEND=noninteractive
# the package lists first, always: a fresh machine has none, an old one stale ones
apt-get update -qq
if [ -n "$missing" ]; then
	apt-get install -y -qq $missing >/dev/null
fi
# npm: Debian's, unless the machine has one (a Node.js from elsewhere, such as
# NodeSource's, brings its own and conflicts with Debian's npm package)
command -v npm >/dev/null 2>&1 || apt-get install -y -qq npm >/dev/null
# the browser libraries of `export --site` (share/site/vendor/package-lock.json:
# protomaps-leaflet), from the npm registry at build time, never from a CDN
npm ci --prefix share/site/vendor --no-audit --no-fund >/dev/null ||
	echo "setup.sh: npm ci failed: export --site will not work" >&2
[ -f build/build.ninja ] || meson setup build ${FL_MESON_ARGS:-} >/dev/null
ninja -C build >/dev/null
