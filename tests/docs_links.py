#!/usr/bin/python3
"""docs_links.py: the links of the documentation lead somewhere.

Every relative link in README.md, docs/*.md and bench/README.md
(`[text](path)`, `[text](path#anchor)`, `![alt](image)`) names a file or
folder of the source tree, and an anchor names a heading of the target (as
GitHub makes anchors: lower case, punctuation dropped, spaces to hyphens).
Links to http(s) and mailto are not followed.  TAP output, one test per file.

    /usr/bin/python3 tests/docs_links.py SOURCE_ROOT
"""
import glob
import os
import re
import sys

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def anchors(path):
    """The anchors GitHub gives the headings of a markdown file."""
    out, fence = set(), False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                fence = not fence
            elif not fence and line.startswith("#"):
                title = line.lstrip("#").strip().lower()
                title = re.sub(r"[^\w\- ]", "", title)
                out.add(title.replace(" ", "-"))
    return out


def problems(root, doc):
    found, fence = [], False
    with open(doc, encoding="utf-8") as f:
        lines = f.readlines()
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            fence = not fence
            continue
        if fence:
            continue
        for target in LINK.findall(line):
            if re.match(r"(https?|mailto):", target):
                continue
            path, _, anchor = target.partition("#")
            full = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
            if not full.startswith(os.path.abspath(root)) or not os.path.exists(full):
                found.append("%s:%d: %s: no such file" % (os.path.relpath(doc, root), number, target))
            elif anchor and (not full.endswith(".md") or anchor not in anchors(full)):
                found.append("%s:%d: %s: no heading '%s' in %s"
                             % (os.path.relpath(doc, root), number, target, anchor, os.path.relpath(full, root)))
    return found


def main():
    root = os.path.abspath(sys.argv[1])
    docs = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    docs += [os.path.join(root, "bench", "README.md")]
    print("1..%d" % len(docs))
    failed = 0
    for i, doc in enumerate(docs, 1):
        bad = problems(root, doc) if os.path.isfile(doc) else ["missing"]
        name = os.path.relpath(doc, root)
        if bad:
            failed += 1
            print("not ok %d - the links of %s lead somewhere" % (i, name))
            for b in bad:
                print("# " + b)
        else:
            print("ok %d - the links of %s lead somewhere" % (i, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
