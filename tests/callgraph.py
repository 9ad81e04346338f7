#!/usr/bin/python3
"""callgraph.py: the file-level call graph of the library (the .c files of
src/ and its folders, src/cli/ aside: the tool), and whether it has a loop.
Files are named by their path under src/ (`store/ogr.c`).

A file A depends on a file B when A calls (or takes the address of) a
function that B defines with external linkage.  Two readings, joined:

- from the sources, by GNU cflow: per file, the functions it defines and the
  names it refers to (`cflow -x`); a name goes to the file that exports it,
  unless the referring file has a static of the same name.  cflow parses C
  without a compiler and loses the rest of a function after a local struct
  definition, so it can miss calls;
- from the compiled objects (when the library's static archive is given),
  by nm: each object's undefined symbols resolved to the object that
  defines them, exactly as the linker does (functions and data).

Every strongly connected component of more than one file is a loop: two
files that call each other, or a longer circle.

Usage: callgraph.py [SOURCE_ROOT] [ARCHIVE.a] [--graph]
Prints TAP (1..1, ok when no loop; the loops and the names that make them
otherwise); --graph prints the edges (file -> file: names) instead.  With
neither cflow nor an archive it prints `1..0 # SKIP`.
"""
import os
import re
import shutil
import subprocess
import sys


def xref(path, symbols):
    """(defined names, {referenced name: first line}) of one file."""
    cmd = ['cflow', '-x'] + (['-i', symbols] if symbols else []) + [path]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    defs, refs = set(), {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == '*':
            defs.add(parts[0])
        elif len(parts) == 2:
            refs.setdefault(parts[0], parts[1])
    return defs, refs


def add(edges, a, b, name):
    names = edges.setdefault(a, {}).setdefault(b, [])
    if name not in names:
        names.append(name)


def graph_cflow(src, files, edges):
    """Add the edges cflow sees between the files (paths under src) to edges."""
    exported, local, refs = {}, {}, {}
    for f in files:
        p = os.path.join(src, f)
        ext, _ = xref(p, None)      # functions with external linkage
        every, r = xref(p, 's')     # and statics (which hide another file's name)
        for name in ext:
            exported.setdefault(name, f)
        local[f], refs[f] = every, r
    for f in local:
        edges.setdefault(f, {})
        for name in sorted(refs[f]):
            owner = exported.get(name)
            if owner and owner != f and name not in local[f]:
                add(edges, f, owner, name)


def graph_nm(archive, files, edges):
    """Add the edges between the objects of a static archive to edges.  Meson
    names the object of store/ogr.c `store_ogr.c.o`: back to the path."""
    by_object = {f.replace('/', '_'): f for f in files}
    # a module built by its own meson.build (src/serve/) names its objects
    # by their file name alone
    for f in files:
        by_object.setdefault(os.path.basename(f), f)
    out = subprocess.run(['nm', '-A', archive], capture_output=True, text=True,
                         check=True).stdout
    defined, undefined = {}, {}
    for line in out.splitlines():
        # ARCHIVE:MEMBER.o:VALUE TYPE NAME, VALUE blank when undefined
        m = re.match(r'^.*?([^/:]+)\.c\.o:\s*(?:[0-9a-fA-F]+)?\s+([A-Za-z])\s+(\S+)$', line)
        if not m:
            continue
        f, kind, name = m.group(1) + '.c', m.group(2), m.group(3)
        f = by_object.get(f, f)
        edges.setdefault(f, {})
        if kind == 'U':
            undefined.setdefault(f, set()).add(name)
        elif kind.isupper():
            defined.setdefault(name, f)
    for f, names in undefined.items():
        for name in sorted(names):
            owner = defined.get(name)
            if owner and owner != f:
                add(edges, f, owner, name)


def loops(edges):
    """The strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    root = next((a for a in args if not a.endswith('.a')),
                os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    archives = [a for a in args if a.endswith('.a')]
    src = os.path.join(root, 'src')
    files = []
    for d, subdirs, names in os.walk(src):
        rel = os.path.relpath(d, src)
        if rel == 'cli':
            subdirs[:] = []
            continue
        files += [os.path.normpath(os.path.join(rel, f)) for f in names if f.endswith('.c')]
    files.sort()
    edges, how = {}, []
    if shutil.which('cflow'):
        graph_cflow(src, files, edges)
        how.append('cflow')
    for archive in archives:
        graph_nm(archive, files, edges)
    if archives:
        how.append('nm')
    if not how:
        print('1..0 # SKIP cflow is not installed (apt-get install cflow) and no archive given')
        return 0
    if '--graph' in sys.argv:
        for a in sorted(edges):
            for b in sorted(edges[a]):
                print('%s -> %s: %s' % (a, b, ', '.join(edges[a][b])))
        return 0
    found = loops(edges)
    print('1..1')
    if not found:
        n = sum(len(e) for e in edges.values())
        print('ok 1 - no loop between the %d files of src/ (%d edges, by %s)'
              % (len(edges), n, ' and '.join(how)))
        return 0
    print('not ok 1 - loops between files of src/')
    for comp in found:
        print('# loop: %s' % ' <-> '.join(comp))
        members = set(comp)
        for a in comp:
            for b in sorted(edges[a]):
                if b in members:
                    print('#   %s -> %s: %s' % (a, b, ', '.join(edges[a][b])))
    return 1


if __name__ == '__main__':
    sys.exit(main())
