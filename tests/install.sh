#!/bin/sh
# install.sh: `meson install` of a build into a temporary DESTDIR, then a user's
# view of it: the files are there (library, headers, pkg-config file, tool, man
# pages, geodata, viewer), examples/snapshot_area.c compiles with
# `pkg-config --cflags --libs frontline` against the installed copy alone and
# gives the installed tool's areas on the shipped tracker; so does the C example
# of README.md (its ```c block).  TAP output.
#
#   sh tests/install.sh MESON BUILD_DIR SOURCE_ROOT man|noman SANITIZE
#
# MESON is the meson that configured BUILD_DIR; man when the man pages were
# built (scdoc found); SANITIZE the build's b_sanitize (none, or e.g.
# address,undefined: the example then links the sanitizer runtime too).  No
# rebuild: meson test builds first.  The pkg-config file names the build's
# prefix, so its prefix is redefined to the copy under DESTDIR.
set -u
MESON=$1 BUILD=$2 SRC=$3 MAN=$4 SANITIZE=$5
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fl-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { # name, details...
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for d in "$@"; do printf '%s\n' "$d" | sed 's/^/# /'; done
}
echo "1..7"

# 1: the install itself
if "$MESON" install -C "$BUILD" --no-rebuild --destdir "$dest" >"$tmp/install.log" 2>&1; then
	ok "meson install --destdir"
else
	notok "meson install --destdir" "$(tail -20 "$tmp/install.log")"
	exit 1
fi

# 2: what is installed, found through the pkg-config file
pc=$(find "$dest" -name frontline.pc -path '*/pkgconfig/*' | head -1)
if [ -z "$pc" ]; then
	notok "the pkg-config file frontline.pc is installed" "$(cd "$dest" && find . -type f | head -40)"
	exit 1
fi
pcdir=$(dirname "$pc")
prefix=$(PKG_CONFIG_PATH=$pcdir pkg-config --variable=prefix frontline)
root=$dest$prefix
pkgconf() { PKG_CONFIG_PATH=$pcdir pkg-config --define-variable=prefix="$root" "$@" frontline; }
libdir=$(pkgconf --variable=libdir)
includedir=$(pkgconf --variable=includedir)
missing=""
want="$root/bin/frontline $libdir/libfrontline.so $includedir/frontline/frontline.h
      $root/share/frontline/karabakh/events.csv $root/share/frontline/karabakh/regions.geojson
      $root/share/frontline/basemap $root/share/frontline/viewer"
for h in "$SRC"/include/frontline/*.h; do want="$want $includedir/frontline/$(basename "$h")"; done
if [ "$MAN" = man ]; then
	want="$want $root/share/man/man1/frontline.1 $root/share/man/man5/frontline.5"
	for p in "$SRC"/docs/man/frontline-*.1.scd; do
		want="$want $root/share/man/man1/$(basename "$p" .scd)"
	done
fi
for f in $want; do [ -e "$f" ] || missing="$missing ${f#"$dest"}"; done
version=$(pkgconf --modversion)
tool_version=$(LD_LIBRARY_PATH=$libdir "$root/bin/frontline" --version 2>&1)
if [ -z "$missing" ] && [ "$tool_version" = "frontline $version" ]; then
	ok "library, headers, pkg-config file, tool, geodata, viewer$([ "$MAN" = man ] && echo ', man pages') installed"
else
	notok "library, headers, pkg-config file, tool, geodata, viewer, man pages installed" \
		"missing:${missing:- none}" "pkg-config version '$version', tool says '$tool_version'"
fi

# 3: the man pages are man pages (roff from scdoc; read back by man when it is installed)
page=$root/share/man/man1/frontline-snapshot.1
if [ "$MAN" != man ]; then
	ok "# SKIP the man pages were not built (no scdoc)"
elif grep -q '^\.TH "frontline-snapshot" "1"' "$page" && grep -q -- '--as-of' "$page" &&
	{ ! command -v man >/dev/null || man -l "$page" 2>/dev/null | grep -q -- '--as-of'; }; then
	ok "the installed frontline-snapshot(1) is a man page$(command -v man >/dev/null && echo ' (man -l reads it)')"
else
	notok "the installed frontline-snapshot(1) is a man page" "$(head -20 "$page")"
fi

# 4: the example builds against the installed copy with pkg-config alone
san=""
[ "$SANITIZE" = none ] || san="-fsanitize=$SANITIZE"
# shellcheck disable=SC2046
if cc -std=c17 -Wall -Wextra -Werror ${san:+"$san"} -o "$tmp/snapshot_area" "$SRC/examples/snapshot_area.c" \
	$(pkgconf --cflags --libs) >"$tmp/cc.log" 2>&1; then
	ok "examples/snapshot_area.c builds with pkg-config --cflags --libs frontline"
else
	notok "examples/snapshot_area.c builds with pkg-config --cflags --libs frontline" \
		"flags: $(pkgconf --cflags --libs)" "$(cat "$tmp/cc.log")"
	exit 1
fi

# 5: it runs on the installed library (not the build's)
lib=$(LD_LIBRARY_PATH=$libdir ldd "$tmp/snapshot_area" | grep 'libfrontline\.so' | awk '{print $3}')
case $lib in
"$libdir"/*) ok "the example loads the installed libfrontline ($lib)" ;;
*) notok "the example loads the installed libfrontline" "ldd says: ${lib:-nothing}" ;;
esac

# 6: its areas are the installed tool's on the shipped tracker, 2020-11-25
tracker=$root/share/frontline/karabakh
if LD_LIBRARY_PATH=$libdir "$tmp/snapshot_area" "$tracker" 2020-11-25 >"$tmp/example.tsv" 2>"$tmp/example.err" &&
	LD_LIBRARY_PATH=$libdir "$root/bin/frontline" -d "$tracker" snapshot --date 2020-11-25 --by actor \
		-o "$tmp/tool.geojson" 2>"$tmp/tool.err" &&
	/usr/bin/python3 - "$tmp/example.tsv" "$tmp/tool.geojson" >"$tmp/cmp.log" 2>&1 <<'PY'; then
import json, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
tool = [(f["properties"]["holder"], f["properties"]["area_km2"], f["properties"]["holder_name"])
        for f in json.load(open(sys.argv[2]))["features"] if f["properties"]["holder"]]
print("example:", rows)
print("tool:   ", tool)
assert [r[0] for r in rows] == [t[0] for t in tool], "holders differ"
assert [r[2] for r in rows] == [t[2] for t in tool], "names differ"
for r, t in zip(rows, tool):
    assert abs(float(r[1]) - t[1]) <= 1e-6 * max(1.0, t[1]), "%s: %s km2 against %s" % (r[0], r[1], t[1])
az = dict((r[0], float(r[1])) for r in rows)["AZ"]
assert 82050 < az < 82051, "AZ holds %s km2 on 2020-11-25, not about 82050.3" % az
PY
	ok "the example's areas on 2020-11-25 are the installed tool's (AZ $(awk -F'\t' '$1 == "AZ" {print $2}' "$tmp/example.tsv") km2)"
else
	notok "the example's areas on 2020-11-25 are the installed tool's" "$(cat "$tmp/example.err" "$tmp/tool.err" "$tmp/cmp.log" 2>/dev/null)"
fi
# 7: the C example of README.md builds the same way and prints the same areas,
# rounded (it opens geodata/karabakh from the top of the source tree)
awk '/^```c$/ { inside = 1; next } inside && /^```$/ { exit } inside' "$SRC/README.md" >"$tmp/readme.c"
# shellcheck disable=SC2046
if [ -s "$tmp/readme.c" ] &&
	cc -std=c17 -Wall -Wextra -Werror ${san:+"$san"} -o "$tmp/readme" "$tmp/readme.c" \
		$(pkgconf --cflags --libs) >"$tmp/readme-cc.log" 2>&1 &&
	(cd "$SRC" && LD_LIBRARY_PATH=$libdir "$tmp/readme") >"$tmp/readme.out" 2>"$tmp/readme.err" &&
	/usr/bin/python3 - "$tmp/readme.out" "$tmp/example.tsv" >"$tmp/readme-cmp.log" 2>&1 <<'PY'; then
import sys
got = [line.split() for line in open(sys.argv[1], encoding="utf-8")]
want = [line.rstrip("\n").split("\t") for line in open(sys.argv[2], encoding="utf-8")]
print("README example:", got)
print("snapshot_area: ", want)
assert len(want) >= 2 and [g[0] for g in got] == [w[0] for w in want], "holders differ"
for g, w in zip(got, want):
    assert g[2] == "km\u00b2" and abs(float(g[1]) - float(w[1])) <= 0.05 + 1e-9, "%s: %s against %s" % (w[0], g[1], w[1])
PY
	ok "README.md's C example builds with pkg-config and prints the example's areas ($(head -1 "$tmp/readme.out"))"
else
	notok "README.md's C example builds with pkg-config and prints the example's areas" \
		"$(head -40 "$tmp/readme.c")" "$(cat "$tmp/readme-cc.log" "$tmp/readme.err" "$tmp/readme-cmp.log" 2>/dev/null)"
fi
[ "$failed" = 0 ]
