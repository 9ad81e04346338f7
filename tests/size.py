#!/usr/bin/python3
"""size.py: no file of the library over 600 lines, no function over 120.

A function is counted from the line that starts its definition (its return
type, at the start of a line) to its closing brace at the start of a line,
both included: the project's style puts a definition's braces in column 0.
The files of src/ and its folders (*.c, *.h) are checked; ALLOW lists files
that other work splits and that are left out until it has.

Usage: size.py [SOURCE_ROOT] [--list]
Prints TAP, one test per file; --list also prints every function over 60
lines.
"""
import fnmatch
import os
import re
import sys

MAX_FILE = 600
MAX_FUNCTION = 120
# Split elsewhere (issue 19): remove each once its work has merged.
# (Names of files, wherever they are under src/.)
ALLOW = []


def functions(lines):
    """(name, first line, length) of each function definition."""
    out = []
    i = 0
    while i < len(lines):
        if lines[i].rstrip() == '{':
            # the signature: back to the line starting at column 0 with a name
            j = i - 1
            while j > 0 and (lines[j][:1] in (' ', '\t') or lines[j].strip() == ''):
                j -= 1
            sig = ' '.join(l.strip() for l in lines[j:i])
            m = re.search(r'(\w+)\s*\(', sig)
            k = i + 1
            while k < len(lines) and not lines[k].startswith('}'):
                k += 1
            if m and not re.match(r'(struct|enum|union|typedef)\b', sig) and '=' not in sig.split('(')[0]:
                out.append((m.group(1), j + 1, k - j + 1))
            i = k
        i += 1
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    files = []
    for dirpath, dirs, names in os.walk(os.path.join(root, 'src')):
        dirs.sort()
        d = os.path.relpath(dirpath, root)
        files += [os.path.join(d, n) for n in sorted(names) if n.endswith(('.c', '.h'))]
    print('1..%d' % len(files))
    bad = 0
    for k, rel in enumerate(files, 1):
        lines = open(os.path.join(root, rel), encoding='utf-8').read().split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        long_ = [f for f in functions(lines) if f[2] > MAX_FUNCTION]
        problems = []
        if len(lines) > MAX_FILE:
            problems.append('%d lines' % len(lines))
        problems += ['%s() at line %d is %d lines' % f for f in long_]
        if '--list' in sys.argv:
            for f in functions(lines):
                if f[2] > 60:
                    print('# %s: %s() at line %d: %d lines' % (rel, *f))
        if problems and any(fnmatch.fnmatch(os.path.basename(rel), a) for a in ALLOW):
            print('ok %d - %s # SKIP split elsewhere: %s' % (k, rel, '; '.join(problems)))
        elif problems:
            bad += 1
            print('not ok %d - %s: %s (at most %d lines a file, %d a function)'
                  % (k, rel, '; '.join(problems), MAX_FILE, MAX_FUNCTION))
        else:
            print('ok %d - %s (%d lines)' % (k, rel, len(lines)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
