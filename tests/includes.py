#!/usr/bin/python3
"""includes.py: every private header a file of the library includes gives
it something it uses.

The private headers of src/ (each declaring what one .c file defines) are
read for the names they declare: functions, types, macros, enum constants
and the members of the structs they define.  A .c file of src/ (or of the
tests that reach private helpers) uses a header when its code, comments and
strings taken out, names one of them (a member as `->name` or `.name`).
Every `#include "x.h"` of a private header must be used so; a header that
includes another for its own declarations does not count for the .c.

Usage: includes.py [SOURCE_ROOT] [--list]
Prints TAP, one test per .c file; --list prints each file's private headers
and the names that justify each.
"""
import os
import re
import sys

WORD = re.compile(r'[A-Za-z_]\w*')


def strip(text):
    """C text without comments, string and character literals."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    return re.sub(r"'(\\.|[^'\\\n])*'", "''", text)


def declared(path):
    """(names, members) a header declares."""
    text = strip(open(path, encoding='utf-8').read())
    names, members = set(), set()
    names.update(re.findall(r'#define\s+(\w+)', text))
    names.discard(os.path.basename(path).upper().replace('.', '_'))
    names = {n for n in names if not re.fullmatch(r'FL_\w+_H', n)}
    for body in re.findall(r'\benum\s*\w*\s*\{(.*?)\}', text, flags=re.S):
        names.update(re.findall(r'(\w+)\s*(?:=[^,]*)?(?:,|$)', body.strip()))
    # the members of a struct known by its public name only (struct fl_tracker)
    for body in re.findall(r'^struct\s+fl_[a-z]\w*\s*\{(.*?)^\};', text, flags=re.S | re.M):
        for decl in body.split(';'):
            decl = re.sub(r'\[[^\]]*\]', '', decl)
            for part in decl.split(','):
                m = re.search(r'(\w+)\s*$', part.strip())
                if m:
                    members.add(m.group(1))
    names.update(re.findall(r'\b(fl__\w+)\s*[;)]', text))     # typedef names, types
    names.update(re.findall(r'\b(fl__\w+)\s*\(', text))       # functions
    names.update(re.findall(r'\b(fl__\w+)\s*\[', text))       # arrays
    names = {n for n in names if n.startswith(('fl__', 'FL__'))}
    # functions a header's X-macro list renames (cairo_load.h)
    names.update(re.findall(r'\bX\((\w+)\)', text))
    return {n for n in names if n}, members


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    src = os.path.join(root, 'src')
    headers, files = {}, []
    # the library: src/ and its store/ (the tool in src/cli/ and the server
    # in src/serve/ have one header each, for all their files)
    for d, subdirs, names in os.walk(src):
        subdirs[:] = sorted(x for x in subdirs if x not in ('cli', 'serve'))
        rel = os.path.relpath(d, root)
        for f in sorted(names):
            if f.endswith('.h'):
                headers[os.path.join(rel, f)] = declared(os.path.join(d, f))
            elif f.endswith('.c'):
                files.append(os.path.join(rel, f))
    for d in ('tests/unit', 'tests/fuzz'):
        if os.path.isdir(os.path.join(root, d)):
            files += [os.path.join(d, f) for f in sorted(os.listdir(os.path.join(root, d)))
                      if f.endswith('.c')]
    print('1..%d' % len(files))
    bad = 0
    for k, rel in enumerate(files, 1):
        raw = open(os.path.join(root, rel), encoding='utf-8').read()
        incs = []
        for h in re.findall(r'^#include\s+"([^"]+)"', raw, flags=re.M):
            # as the compiler looks: beside the file, then in src/
            for c in (os.path.normpath(os.path.join(os.path.dirname(rel), h)),
                      os.path.normpath(os.path.join('src', h))):
                if c in headers:
                    incs.append(c)
                    break
        code = strip(raw)
        code = re.sub(r'^#include[^\n]*', '', code, flags=re.M)
        words = set(WORD.findall(code))
        used_members = set(re.findall(r'(?:->|\.)\s*(\w+)', code))
        unused, why = [], {}
        for h in incs:
            names, members = headers[h]
            hit = sorted((names & words) | (members & used_members))
            why[h] = hit
            if not hit:
                unused.append(h)
        if '--list' in sys.argv:
            for h in incs:
                print('# %s: %s: %s' % (rel, h, ' '.join(why[h][:6])))
        if unused:
            bad += 1
            print('not ok %d - %s # includes %s and uses nothing of it' % (k, rel, ', '.join(unused)))
        else:
            print('ok %d - %s (%d private headers)' % (k, rel, len(incs)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
