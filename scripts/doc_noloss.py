#!/usr/bin/python3
"""doc_noloss.py: no line of an old README is lost when the documentation moves.

Every non-trivial line of OLD (its text, with markdown links reduced to their
words, backticks dropped and white space collapsed) must appear somewhere in
the README.md and docs/*.md (and docs/man, bench/README.md) of the tree given,
read as one text.  Headings, code fences, table rules and lines under 12
characters are trivial.  Prints each line not found; exits 1 when any is.

    /usr/bin/python3 scripts/doc_noloss.py <(git show REV:README.md) [ROOT]
"""
import glob
import os
import re
import sys


def norm(text):
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [words](target) -> words
    text = text.replace("`", "")
    return re.sub(r"\s+", " ", text).strip()


def trivial(line):
    s = line.strip()
    return (len(s) < 12 or s.startswith("#") or s.startswith("```")
            or re.fullmatch(r"[|\-: ]+", s) is not None)


def main():
    old = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else "."
    files = [os.path.join(root, "README.md"), os.path.join(root, "bench", "README.md")]
    files += sorted(glob.glob(os.path.join(root, "docs", "**", "*.md"), recursive=True))
    files += sorted(glob.glob(os.path.join(root, "docs", "man", "*.scd")))
    new = " ".join(norm(open(f, encoding="utf-8").read()) for f in files if os.path.isfile(f))
    lost, n = [], 0
    for number, line in enumerate(open(old, encoding="utf-8"), 1):
        if trivial(line):
            continue
        n += 1
        text = norm(re.sub(r"^\s*(- |\| )", "", line)).rstrip("|").strip()
        if text not in new:
            lost.append((number, line.rstrip("\n")))
    for number, line in lost:
        print("%d: %s" % (number, line))
    print("%d of %d non-trivial lines of %s found in %d files; %d not found"
          % (n - len(lost), n, old, len(files), len(lost)))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
