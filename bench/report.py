#!/usr/bin/python3
"""report.py: bench/run.sh's bookkeeping: records measurements, then writes the results tables.

    report.py DB hf KEY HYPERFINE.json           a whole-process measurement (hyperfine export)
    report.py DB single KEY WALL_S RC            one timed run (slow commands, timeouts: RC 124)
    report.py DB rss KEY TIME_V_OUTPUT [RC]      peak RSS from GNU time -v
    report.py DB warm KEY TIMING_OUTPUT          psql \\timing lines ("Time: 12.3 ms"); first dropped
    report.py DB hwm KEY TIMING_OUTPUT           VmHWM of the PostgreSQL backend (same output)
    report.py DB harness PREFIX HARNESS.tsv RC   bench/harness output; PREFIX.OP keys by op name
    report.py DB info KEY VALUE                  machine, versions, notes
    report.py DB status KEY TEXT                 a measurement that was not made, and why
    report.py DB get KEY FIELD                   print a recorded field
    report.py DB write README.md                 replace the text between the result markers

DB is a JSON-lines file; a later record of the same key and field replaces an earlier one.
The README part is generated from the records only: no number is written by hand.
"""
import json
import os
import re
import statistics
import sys

BEGIN = "<!-- results:begin (written by bench/run.sh; do not edit by hand) -->"
END = "<!-- results:end -->"


def load(db):
    recs = {}
    if os.path.exists(db):
        with open(db) as f:
            for line in f:
                r = json.loads(line)
                recs.setdefault(r["key"], {}).update(r)
    return recs


def append(db, rec):
    with open(db, "a") as f:
        f.write(json.dumps(rec) + "\n")


def record(db, kind, args):
    if kind == "hf":
        key, path = args
        with open(path) as f:
            r = json.load(f)["results"][0]
        append(db, {"key": key, "status": "ok", "mean": r["mean"], "stddev": r.get("stddev") or 0.0,
                    "median": r["median"], "min": r["min"], "max": r["max"], "runs": len(r["times"]),
                    "user": r["user"], "system": r["system"], "how": "hyperfine, whole process"})
    elif kind == "single":
        key, wall, rc = args
        st = {"0": "ok", "124": "timeout"}.get(rc, "failed (exit %s)" % rc)
        w = float(wall)
        append(db, {"key": key, "status": st, "mean": w, "median": w, "min": w, "max": w, "stddev": 0.0,
                    "runs": 1, "how": "one run (GNU time), whole process"})
    elif kind == "rss":
        key, path = args[:2]
        rc = args[2] if len(args) > 2 else "0"
        txt = open(path).read() if os.path.exists(path) else ""
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", txt)
        u = re.search(r"User time \(seconds\): ([\d.]+)", txt)
        s = re.search(r"System time \(seconds\): ([\d.]+)", txt)
        w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", txt)
        rec = {"key": key}
        if m and rc == "0":
            rec["rss_kb"] = int(m.group(1))
        if w:
            parts = [float(x) for x in w.group(1).split(":")]
            sec = 0.0
            for p in parts:
                sec = sec * 60 + p
            rec["single_wall"] = sec
            rec["single_cpu"] = (float(u.group(1)) if u else 0) + (float(s.group(1)) if s else 0)
        rec["single_rc"] = rc
        append(db, rec)
    elif kind == "warm":
        key, path = args
        ms = [float(x) for x in re.findall(r"^Time: ([\d.]+) ms", open(path).read(), re.M)]
        ms = ms[1:] if len(ms) > 1 else ms
        if not ms:
            append(db, {"key": key, "status": "failed"})
            return
        s = [x / 1000 for x in ms]
        append(db, {"key": key, "status": "ok", "median": statistics.median(s), "min": min(s), "max": max(s),
                    "mean": statistics.mean(s), "stddev": statistics.pstdev(s), "runs": len(s),
                    "how": "psql \\timing in one session, warm (first run dropped)"})
    elif kind == "hwm":
        key, path = args
        m = re.search(r"VmHWM:\s+(\d+) kB", open(path).read())
        if m:
            append(db, {"key": key, "rss_kb": int(m.group(1))})
    elif kind == "harness":
        prefix, path, rc = args
        seen = False
        with open(path) as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                if len(p) != 6:
                    continue
                seen = True
                append(db, {"key": "%s.%s" % (prefix, p[0]), "status": "ok", "median": float(p[1]),
                            "min": float(p[2]), "max": float(p[3]), "mean": float(p[1]), "runs": int(p[4]),
                            "bytes": int(p[5]), "how": "bench/harness: libfrontline, tracker opened once"})
        st = {"0": "ok", "124": "timeout"}.get(rc, "failed (exit %s)" % rc)
        append(db, {"key": prefix + ".status", "status": st, "loaded": seen})
    elif kind == "status":
        key, text = args
        append(db, {"key": key, "status": text, "how": "not measured"})
    elif kind == "get":
        key, field = args
        print(load(db).get(key, {}).get(field, ""))
    elif kind == "info":
        key, value = args
        append(db, {"key": "info." + key, "value": value})
    else:
        sys.exit("report.py: unknown record kind %s" % kind)


# ---------------------------------------------------------------- formatting

def fmt_s(x):
    if x is None:
        return "n/a"
    if x >= 100:
        return "%.0f s" % x
    if x >= 10:
        return "%.1f s" % x
    if x >= 1:
        return "%.2f s" % x
    if x >= 0.01:
        return "%.3f s" % x
    return "%.2f ms" % (x * 1000)


def fmt_mb(kb):
    return "n/a" if kb is None else "%.0f MB" % (kb / 1024)


def t(recs, key, field="median"):
    """(seconds or None, cell text) for a key: timeouts and failures say so."""
    r = recs.get(key)
    if not r or "status" not in r:
        return None, "not run"
    if r["status"] == "timeout":
        return None, "> %s (timeout)" % fmt_s(r["mean"])
    if r["status"] != "ok":
        return None, r["status"]
    v = r.get(field, r.get("mean"))
    cell = fmt_s(v)
    extra = []
    if r.get("runs", 1) > 1 and "user" in r:
        extra.append("mean %s ± %s" % (fmt_s(r["mean"]), fmt_s(r.get("stddev") or 0)))
    if "user" in r:
        extra.append("CPU %s" % fmt_s(r["user"] + r["system"]))
    if extra:
        cell += " (%s)" % ", ".join(extra)
    return v, cell


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def verdict(achieved, goal, kind):
    """achieved/goal as speed-up factors (kind 'x') or as times where lower is better (kind 'le')."""
    if achieved is None:
        return "not measured"
    if kind == "x":
        if achieved >= goal:
            return "**met** (%.1fx, goal %gx)" % (achieved, goal)
        short = goal / achieved
        by = "%.0f %% short" % ((short - 1) * 100) if short < 1.5 else "%.1fx short" % short
        return "**not met** (%.2fx, goal %gx: %s)" % (achieved, goal, by)
    if achieved <= goal:
        return "**met** (%s <= %s)" % (fmt_s(achieved), fmt_s(goal))
    over = achieved / goal
    by = "%.0f %% over" % ((over - 1) * 100) if over < 1.5 else "%.1fx over" % over
    return "**not met** (%s > %s: %s)" % (fmt_s(achieved), fmt_s(goal), by)


def write(db, readme):
    recs = load(db)
    info = {k[5:]: v["value"] for k, v in recs.items() if k.startswith("info.")}
    out = [BEGIN, ""]
    out.append("Run of %s on %s (`bench/run.sh`, %s)." % (info.get("date", "?"), info.get("machine", "?"),
                                                        info.get("frontline", "?")))
    out.append("")
    for k in ["load_before", "load_after", "versions", "postgres_settings", "note"]:
        if k in info:
            out.append("- %s: %s" % (k.replace("_", " "), info[k]))
    for k in sorted(info):
        if k.startswith("check_"):
            out.append("- same answers (%s): %s" % (k[6:], info[k]))
    out.append("")

    # ---- the real data
    out.append("### DeepState (%s daily polygons), whole processes" % info.get("ds_days", "?"))
    out.append("")
    out.append("Times are hyperfine medians of whole processes (wall clock; in brackets the mean ± σ and the "
               "process's mean CPU time, user + system); ratios and verdicts use the medians (peer / frontline). "
               "For psql processes the CPU time is the client's only: the work is done by the server.")
    out.append("")
    out.append("| benchmark | frontline | peer | peer time | peer / frontline | goal | result |")
    out.append("|---|---|---|---|---|---|---|")
    fa, fa_c = t(recs, "ds.area.frontline")
    ga, ga_c = t(recs, "ds.area.geopandas")
    pa, pa_c = t(recs, "ds.area.postgis")
    out.append("| area of every day (`stats --step day`) | %s | geopandas + pyproj loop | %s | %s | 50x | %s |"
               % (fa_c, ga_c, fx(ratio(ga, fa)), verdict(ratio(ga, fa), 50, "x")))
    out.append("| | | PostGIS `ST_Area(geom::geography)`, psql process | %s | %s | 10x | %s |"
               % (pa_c, fx(ratio(pa, fa)), verdict(ratio(pa, fa), 10, "x")))
    fm, fm_c = t(recs, "ds.map.frontline")
    om, om_c = t(recs, "ds.map.ogr2ogr")
    fh, fh_c = t(recs, "ds.map_held.frontline")
    out.append("| map of %s, the occupied area only, as in the day's file (`snapshot --by actor --holder RU`) "
               "| %s | `ogr2ogr` of that day's file | %s | %s | 1.25x | %s |"
               % (info.get("ds_date", "?"), fh_c, om_c, fx(ratio(om, fh)), verdict(ratio(om, fh), 1.25, "x")))
    out.append("| map of %s, both holders (`snapshot --by actor`: twice the polygons the file has) | %s "
               "| `ogr2ogr` of that day's file | %s | %s | | |"
               % (info.get("ds_date", "?"), fm_c, om_c, fx(ratio(om, fm))))
    fd, fd_c = t(recs, "ds.diff.frontline")
    pd_, pd_c = t(recs, "ds.diff.postgis")
    out.append("| diff %s %s (`diff --by actor`) | %s | PostGIS `ST_Difference` both ways, psql process | %s | %s "
               "| 2x | %s |" % (info.get("ds_d1", "?"), info.get("ds_d2", "?"), fd_c, pd_c,
                               fx(ratio(pd_, fd)), verdict(ratio(pd_, fd), 2, "x")))
    fi, fi_c = t(recs, "ds.import.frontline")
    gi, gi_c = t(recs, "ds.import.geopandas")
    out.append("| import (`import-series`) | %s | geopandas/shapely day-to-day differences | %s | %s | 10x | %s |"
               % (fi_c, gi_c, fx(ratio(gi, fi)), verdict(ratio(gi, fi), 10, "x")))
    fa, fa_c = t(recs, "ds.append.frontline")
    if fa is not None:
        out.append("| the last day appended (`import-series --append DIR FILE` onto the days before) | %s "
                   "| a full re-import (`import-series`, above) | %s | %s | | |" % (fa_c, fi_c, fx(ratio(fi, fa))))
    fo, fo_c = t(recs, "ds.firstopen")
    out.append("| first open of the imported tracker (`stats --step day` without `.frontline-index`: reads the "
               "sources, writes the index) | %s | | | | | paid once after each change of the files |" % fo_c)
    if fi is not None and fo is not None and gi is not None:
        out.append("| import + first open | %s | geopandas/shapely day-to-day differences | %s | %s | | |"
                   % (fmt_s(fi + fo), gi_c, fx(ratio(gi, fi + fo))))
    _, fl_c = t(recs, "floor.ogrinfo")
    out.append("")
    out.append("Load floor of a GDAL-linked program (`ogrinfo --version`): %s. PostGIS queries warm in one psql "
               "session (`\\timing`, median): area %s, diff %s. frontline's work warm (`bench/harness`, tracker "
               "opened once, median): stats by day %s, snapshot by actor %s, diff %s; opening the imported "
               "tracker with its index (%s): %s." % (fl_c, t(recs, "ds.area.postgis.warm", "median")[1],
                                 t(recs, "ds.diff.postgis.warm", "median")[1],
                                 t(recs, "ds.warm.stats:day", "median")[1],
                                 t(recs, "ds.warm.snapshot:actor:%s" % info.get("ds_date"), "median")[1],
                                 t(recs, "ds.warm.diff:actor:%s:%s" % (info.get("ds_d1"), info.get("ds_d2")),
                                   "median")[1],
                                 size_mb(info.get("ds_index")), t(recs, "ds.warm.load", "median")[1]))
    out.append("")

    # ---- generated trackers
    sizes = sorted({int(k.split(".")[0][1:]) for k in recs if re.match(r"^g\d+\.", k)})
    floor = recs.get("floor.ogrinfo", {}).get("median")
    rows = [("snap_region", "snapshot by region (GeoJSON)", "snapshot:region:%s" % info.get("g_date")),
            ("snap_actor", "snapshot by actor (ST_Union GROUP BY)", "snapshot:actor:%s" % info.get("g_date")),
            ("diff_region", "diff a year apart, by region", "diff:region:%s:%s" % (info.get("g_d1"), info.get("g_d2"))),
            ("diff_actor", "diff a year apart, by actor", "diff:actor:%s:%s" % (info.get("g_d1"), info.get("g_d2"))),
            ("stats_month", "stats, 120 monthly steps", "stats:month:%s:%s" % (info.get("g_m1"), info.get("g_m2")))]
    for n in sizes:
        p = "g%d" % n
        out.append("### Generated tracker: %s regions, %s events, 8 actors (seed %s)"
                   % (thousands(info.get("g_regions")), thousands(n), info.get("g_seed", "?")))
        out.append("")
        _, first_c = t(recs, p + ".firstopen")
        _, load_c = t(recs, p + ".warm.load", "median")
        out.append("First open (a whole `frontline stats` process reading the sources and writing the index, %s): "
                   "%s. Opening it with the index (`fl_tracker_open` in bench/harness): %s. Loading it into "
                   "PostGIS (COPY + indexes, once): %s." % (size_mb(info.get("index_%s.firstopen" % p)), first_c,
                                                            load_c, t(recs, p + ".pgload")[1]))
        out.append("")
        out.append("| query | PostGIS warm (median) | frontline work warm (median) | work: PostGIS / frontline "
                   "(goal 5x) | frontline process (median) | process goal: floor + PostGIS/5 | process result "
                   "| PostGIS psql process | geopandas process |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        for key, label, op in rows:
            pw, pw_c = t(recs, "%s.%s.postgis.warm" % (p, key), "median")
            fw, fw_c = t(recs, "%s.warm.%s" % (p, op), "median")
            fp, fp_c = t(recs, "%s.%s.frontline" % (p, key))
            pp, pp_c = t(recs, "%s.%s.postgis" % (p, key))
            gp, gp_c = t(recs, "%s.%s.geopandas" % (p, key))
            goal = floor + pw / 5 if floor is not None and pw is not None else None
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                label, pw_c, fw_c, verdict(ratio(pw, fw), 5, "x"), fp_c, fmt_s(goal),
                verdict(fp, goal, "le") if fp is not None else fp_c, pp_c, gp_c))
        out.append("")
        # where frontline's warm work goes: the answer itself, and GDAL writing it as GeoJSON
        if any(k.startswith(p + ".gdalw.") or k.startswith(p + ".warm.wkb:") for k in recs):
            out.append("Where the work goes (warm medians). *The answer*: the same query without GeoJSON, every "
                       "piece's geometry as WKB (`wkb:` ops of bench/harness). *GDAL alone*: GDAL's GeoJSON "
                       "writer writing the same features again from memory, in one thread, with frontline's "
                       "options (bench/gdal_write.c): no engine work at all, and the writer frontline "
                       "replaced with its own (src/geojson.c).")
            out.append("")
            out.append("| query | PostGIS warm | 5x goal: PostGIS / 5 | frontline work warm | the answer | "
                       "PostGIS / the answer | GDAL alone, one thread |")
            out.append("|---|---|---|---|---|---|---|")
            for key, label, op in rows:
                if key == "stats_month":
                    continue
                pw, pw_c = t(recs, "%s.%s.postgis.warm" % (p, key), "median")
                fw, fw_c = t(recs, "%s.warm.%s" % (p, op), "median")
                aw, aw_c = t(recs, "%s.warm.wkb:%s" % (p, op), "median")
                gw, gw_c = t(recs, "%s.gdalw.gdal:%s" % (p, key), "median")
                rt = ratio(pw, aw)
                out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                    label, pw_c, fmt_s(pw / 5) if pw is not None else "n/a", fw_c, aw_c,
                    "%.1fx" % rt if rt is not None else "n/a", gw_c))
            out.append("")

    # ---- load scaling
    scale = {}
    for k in recs:
        m = re.match(r"^(scale|g)(\d+)\.firstopen$", k)
        if m:
            load_key = "%s%s.load" % (m.group(1), m.group(2)) if m.group(1) == "scale" else "g%s.warm.load" % m.group(2)
            scale[int(m.group(2))] = (k, load_key)
    if scale:
        out.append("### Opening a generated tracker (%s regions) as the number of events grows"
                   % thousands(info.get("g_regions")))
        out.append("")
        out.append("| events | first open: `frontline stats --step month`, from the sources, writes the index | "
                   "its peak RSS | later opens: `fl_tracker_open` with the index |")
        out.append("|---|---|---|---|")
        for n in sorted(scale):
            fk, lk = scale[n]
            out.append("| %s | %s | %s | %s |" % (thousands(n), t(recs, fk)[1], fmt_mb(recs[fk].get("rss_kb")),
                                                t(recs, lk, "median")[1]))
        out.append("")

    # ---- memory
    out.append("### Peak memory (max RSS, GNU time -v; PostgreSQL: the backend's VmHWM, shared buffers it "
               "touched included)")
    out.append("")
    out.append("`X.frontline`, `X.geopandas`, `X.ogr2ogr`: the whole process; `X.postgis`: the psql client only; "
               "`X.postgis.warm`: the PostgreSQL backend that ran the warm repetitions; `X.warm.load`: the "
               "bench/harness process (tracker opened once, every warm repetition).")
    out.append("")
    out.append("| measurement | peak RSS |")
    out.append("|---|---|")
    for k in sorted(recs):
        if "rss_kb" in recs[k]:
            out.append("| `%s` | %s |" % (k, fmt_mb(recs[k]["rss_kb"])))
    out.append("")

    # ---- profiles
    for k in sorted(info):
        if k.startswith("profile"):
            out.append("### Profile: %s" % info[k].split("\n", 1)[0])
            out.append("")
            out.append("```")
            out.append(info[k].split("\n", 1)[1] if "\n" in info[k] else "")
            out.append("```")
            out.append("")

    # ---- every measurement
    out.append("<details><summary>Every measurement (key, how, runs, mean/median, min, max, user+sys CPU)</summary>")
    out.append("")
    out.append("| key | how | status | runs | mean | median | min | max | CPU (user+sys) |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for k in sorted(recs):
        r = recs[k]
        if k.startswith("info.") or "status" not in r or "how" not in r:
            continue
        cpu = r["user"] + r["system"] if "user" in r else (
            r.get("single_cpu") if r.get("how", "").startswith("one run") else None)
        out.append("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            k, r.get("how", ""), r["status"], r.get("runs", ""), fmt_s(r.get("mean")), fmt_s(r.get("median")),
            fmt_s(r.get("min")), fmt_s(r.get("max")), fmt_s(cpu) if cpu is not None else ""))
    out.append("")
    out.append("</details>")
    out.append("")
    out.append(END)

    text = open(readme).read() if os.path.exists(readme) else ""
    block = "\n".join(out)
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(readme, "w") as f:
        f.write(text)


def size_mb(v):
    try:
        return "`.frontline-index` %.1f MB" % (int(v) / 1e6)
    except (TypeError, ValueError):
        return "no index written"


def thousands(n):
    try:
        return "{:,}".format(int(n))
    except (TypeError, ValueError):
        return "?"


def fx(r):
    return "n/a" if r is None else "%.2fx" % r


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    db, kind = sys.argv[1], sys.argv[2]
    if kind == "write":
        write(db, sys.argv[3])
    else:
        record(db, kind, sys.argv[3:])


if __name__ == "__main__":
    main()
