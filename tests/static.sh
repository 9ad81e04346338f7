#!/bin/sh
# static.sh: static analysis of src/, as TAP: clang-tidy (the checks of
# .clang-tidy, through build/compile_commands.json) one test per file, two
# files at a time, then cppcheck over src/ as one test.  Zero findings:
# every exception is commented (.clang-tidy, NOLINT(check) or
# cppcheck-suppress with a reason in the source).
set -u
cd "$(dirname "$0")/.."
files=$(ls src/*.c src/*/*.c)
n=$(echo $files | wc -w)
echo "1..$((n + 1))"
out=build/static
rm -rf $out
mkdir -p $out
echo $files | tr ' ' '\n' | xargs -P 2 -I{} sh -c \
	'f={}; b=$(echo $f | tr / _); clang-tidy -p build --quiet "$f" >'$out'/$b.log 2>&1; echo $? >'$out'/$b.rc'
k=0
for f in $files; do
	k=$((k + 1))
	b=$(echo $f | tr / _)
	if [ "$(cat $out/$b.rc 2>/dev/null)" = 0 ] && ! grep -q "warning:\|error:" $out/$b.log; then
		echo "ok $k - clang-tidy $f"
	else
		echo "not ok $k - clang-tidy $f"
		grep -A3 "warning:\|error:" $out/$b.log | head -40 | sed 's/^/# /'
	fi
done
k=$((k + 1))
if cppcheck -Isrc -Isrc/cli -Iinclude -Ibuild -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	--std=c11 --enable=warning,style,performance,portability --inline-suppr --quiet -j2 \
	--error-exitcode=1 --template='{file}:{line}: {severity}: {message} [{id}]' src \
	>$out/cppcheck.log 2>&1; then
	echo "ok $k - cppcheck src/ (warning, style, performance, portability)"
else
	echo "not ok $k - cppcheck src/"
	head -40 $out/cppcheck.log | sed 's/^/# /'
fi
