#!/usr/bin/python3
"""compare.py: the numbers of `bench/run.sh --compare OLD_BUILD NEW_BUILD`, two builds side by side.

    compare.py hf TABLE KEY JSON...          hyperfine exports of rounds run with both builds
                                             (commands named old and new): one row
    compare.py harness TABLE PREFIX TSV...   bench/harness outputs, PREFIX.old.rN.tsv and
                                             PREFIX.new.rN.tsv: one row per op
    compare.py table TABLE [TOLERANCE]       the rows as a Markdown table

A row of TABLE (tab-separated): key, how, old median, new median, old and new mean ± standard
deviation with the mean CPU time (user + system).
The median of a hyperfine row is over every run of every round; of a harness row, the median of
the rounds' medians.  new / old above 1 + TOLERANCE (default 0.05) is marked slower, below
1 - TOLERANCE faster.
"""
import json
import re
import statistics
import sys


def fmt(s):
    if s is None:
        return "-"
    if s >= 1:
        return "%.3g s" % s
    if s >= 0.01:
        return "%.3f s" % s
    return "%.3g ms" % (s * 1000)


def hf(table, key, files):
    times = {"old": [], "new": []}
    cpu = {"old": [], "new": []}  # (runs, mean user + system) per round
    for f in files:
        with open(f) as fh:
            for r in json.load(fh)["results"]:
                times[r["command"]].extend(r["times"])
                cpu[r["command"]].append((len(r["times"]), r["user"] + r["system"]))
    row = [key, "whole process, hyperfine (%d and %d runs)" % (len(times["old"]), len(times["new"]))]
    for side in ("old", "new"):
        t = times[side]
        row.append(repr(statistics.median(t)) if t else "")
    for side in ("old", "new"):
        t = times[side]
        c = sum(n * m for n, m in cpu[side]) / len(t) if t else 0
        row.append("%s ± %s, CPU %s" % (fmt(statistics.mean(t)), fmt(statistics.stdev(t) if len(t) > 1 else 0),
                                        fmt(c)) if t else "")
    with open(table, "a") as fh:
        fh.write("\t".join(row) + "\n")


def harness(table, prefix, files):
    meds = {}  # (op, side) -> [median of each round]
    ops = []
    for f in files:
        m = re.search(r"\.(old|new)\.r\d+\.tsv$", f)
        if not m:
            sys.exit("compare.py: %s is not PREFIX.old|new.rN.tsv" % f)
        with open(f) as fh:
            for line in fh:
                p = line.rstrip("\n").split("\t")
                if len(p) < 2:
                    continue
                if p[0] not in ops:
                    ops.append(p[0])
                meds.setdefault((p[0], m.group(1)), []).append(float(p[1]))
    with open(table, "a") as fh:
        for op in ops:
            o = meds.get((op, "old"), [])
            n = meds.get((op, "new"), [])
            how = "warm, bench/harness (median of %d and %d rounds' medians)" % (len(o), len(n))
            fh.write("\t".join([prefix + " " + op, how,
                                repr(statistics.median(o)) if o else "",
                                repr(statistics.median(n)) if n else "", "", ""]) + "\n")


def table(path, tol):
    print("| measurement | how | old (median) | new (median) | new / old | |")
    print("|---|---|---|---|---|---|")
    slower = faster = 0
    with open(path) as fh:
        for line in fh:
            key, how, o, n, os_, ns = line.rstrip("\n").split("\t")
            o = float(o) if o else None
            n = float(n) if n else None
            ratio = n / o if o and n is not None else None
            mark = ""
            if ratio is None:
                mark = "not measured (failed or timed out)"
            elif ratio > 1 + tol:
                mark = "**slower**"
                slower += 1
            elif ratio < 1 - tol:
                mark = "faster"
                faster += 1
            old = fmt(o) + (" (mean %s)" % os_ if os_ else "")
            new = fmt(n) + (" (mean %s)" % ns if ns else "")
            print("| `%s` | %s | %s | %s | %s | %s |" % (
                key, how, old, new, "%.3f" % ratio if ratio is not None else "-", mark))
    print()
    print("%d slower and %d faster than the old build by more than %.0f %% (the rest within it)."
          % (slower, faster, tol * 100))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == "hf":
        hf(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif cmd == "harness":
        harness(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif cmd == "table":
        table(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 0.05)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
