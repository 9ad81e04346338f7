#!/usr/bin/python3
"""bench/qgis_animate.py: QGIS's own animation export of a frontline time-enabled GeoPackage.

What a QGIS user does to make the time-lapse that `frontline animate` makes, headless through PyQGIS
(Debian's python3-qgis; run with QT_QPA_PLATFORM=offscreen), for bench/animate.sh:

    /usr/bin/python3 bench/qgis_animate.py GPKG OUTDIR FROM TO [--size WxH] [--tz +HH:MM]
        [--basemap FILE]... [--labels] [--title] [--points FILE]

GPKG is `frontline export -o war.gpkg`: its layer `control` (one feature per region piece per period of one
holder, `valid_from`/`valid_to`) and its layer `actors` (id, color).  The layer is made temporal as
docs/gis.md says ("Separate fields for start and end date/time"), drawn with a categorized renderer on
`holder` in the actors' colours (white borders, newest period on top: QGIS 3.22 compares a GeoPackage's
date-times as text, so a frame also takes the period that ends at its first instant), optionally over the
base map's layers (land, countries, lakes, rivers, in frontline render's colours), with the regions' names as labels and "Control on DATE" at the top left (a map
decoration: exportAnimation draws them on each frame), in a Lambert azimuthal equal-area projection
centred on the layer (as `frontline render`), at the layer's extent.  Then
`QgsTemporalUtils.exportAnimation` renders one PNG per day, OUTDIR/frame0000.png ..., frame k covering the
day FROM + k in the tracker's zone (the GeoPackage's layer tracker names it: the shipped tracker's
Asia/Baku, +04:00 in 2020; --tz sets the offset), i.e. [day 00:00, next day 00:00), which with date-only
events shows the state at the end of the day, as `frontline render --date` does.  Prints one line: the
frames, the seconds from opening the layer, and those of exportAnimation alone.
"""
import argparse
import datetime as dt
import os
import sys
import time


def date_title_class():
    """A map decoration that writes 'Control on DATE', the frame's day, as QGIS's Title Label does
    with an expression on @map_start_time (the app's decorations are not in qgis.core)."""
    from qgis.core import QgsMapDecoration
    from qgis.PyQt.QtCore import QPointF
    from qgis.PyQt.QtGui import QColor, QFont

    class DateTitle(QgsMapDecoration):
        def __init__(self, off):
            super().__init__()
            self.off = off
            self.setDisplayName("date title")

        def render(self, ms, context):
            day = ms.temporalRange().begin().toPyDateTime() + self.off
            p = context.painter()
            p.save()
            f = QFont("DejaVu Sans")
            f.setPixelSize(18)
            f.setBold(True)
            p.setFont(f)
            p.setPen(QColor("#111111"))
            p.drawText(QPointF(10, 28), f"Control on {day:%Y-%m-%d}")
            p.restore()
    return DateTitle


def zone_offset(gpkg, day):
    """The UTC offset on day of the time zone a frontline GeoPackage declares (its layer tracker)."""
    import sqlite3
    import zoneinfo
    con = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT value FROM tracker WHERE key = 'time_zone'").fetchone()
    except sqlite3.Error:
        row = None
    con.close()
    if not row or not row[0]:
        return dt.timedelta(0)
    return zoneinfo.ZoneInfo(row[0]).utcoffset(day)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gpkg")
    ap.add_argument("outdir")
    ap.add_argument("date_from")
    ap.add_argument("date_to")
    ap.add_argument("--size", default="1200x900")
    ap.add_argument("--tz", help="the UTC offset of the tracker's days, +HH:MM (default: that of the zone "
                    "in the GeoPackage's layer tracker, time_zone, on the first day; else UTC)")
    ap.add_argument("--basemap", action="append", default=[],
                    help="a layer drawn under the control layer, repeated bottom to top; styled by its name as "
                    "frontline render styles geodata/basemap: land, countries, lakes, rivers (else a grey fill "
                    "or line); with land the background is the sea")
    ap.add_argument("--labels", action="store_true", help="the regions' names as labels")
    ap.add_argument("--title", action="store_true",
                    help="a decoration 'Control on DATE' at the top left of each frame (its day)")
    ap.add_argument("--points", help="write the pixel (x, y) of an interior point of each region of the "
                    "GeoPackage's layer regions to this CSV (region,x,y), to check the frames' colours")
    a = ap.parse_args()
    w, h = (int(x) for x in a.size.split("x"))
    if a.tz:
        sign = -1 if a.tz.startswith("-") else 1
        hh, mm = (int(x) for x in a.tz.lstrip("+-").split(":"))
        off = dt.timedelta(hours=hh, minutes=mm) * sign
    else:
        off = zone_offset(a.gpkg, dt.datetime.fromisoformat(a.date_from))
    # the first frame's first instant and the last frame's end, in UTC
    t0 = dt.datetime.fromisoformat(a.date_from).replace(tzinfo=dt.timezone.utc) - off
    t1 = dt.datetime.fromisoformat(a.date_to).replace(tzinfo=dt.timezone.utc) - off + dt.timedelta(days=1)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsProject

    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    rc = export(a, w, h, t0, t1, off)
    # every layer is gone with export()'s locals: one still alive here would crash exitQgis
    QgsProject.instance().removeAllMapLayers()
    app.exitQgis()
    sys.exit(rc)


def export(a, w, h, t0, t1, off):
    from qgis.core import (QgsCategorizedSymbolRenderer, QgsCoordinateReferenceSystem,
                           QgsCoordinateTransform, QgsDateTimeRange, QgsFeatureRequest, QgsFillSymbol,
                           QgsInterval, QgsLineSymbol, QgsMapSettings, QgsPalLayerSettings, QgsProject,
                           QgsRendererCategory, QgsTemporalUtils, QgsUnitTypes, QgsVectorLayer,
                           QgsVectorLayerSimpleLabeling, QgsVectorLayerTemporalProperties, QgsWkbTypes)
    from qgis.PyQt.QtCore import QDateTime, QSize, Qt
    from qgis.PyQt.QtGui import QColor
    DateTitle = date_title_class()

    start = time.monotonic()

    layer = QgsVectorLayer(f"{a.gpkg}|layername=control", "control", "ogr")
    if not layer.isValid():
        print(f"qgis_animate.py: {a.gpkg}: no layer 'control'", file=sys.stderr)
        return 1
    actors = QgsVectorLayer(f"{a.gpkg}|layername=actors", "actors", "ogr")
    colours = {f["id"]: f["color"] for f in actors.getFeatures()} if actors.isValid() else {}

    tp = layer.temporalProperties()
    tp.setIsActive(True)
    tp.setMode(QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields)
    tp.setStartField("valid_from")
    tp.setEndField("valid_to")

    cats = []
    for holder in sorted({f["holder"] for f in layer.getFeatures() if f["holder"]}):
        sym = QgsFillSymbol.createSimple({"color": colours.get(holder, "#999999"), "outline_color": "#ffffff",
                                          "outline_width": "0.2", "outline_width_unit": "MM"})
        cats.append(QgsRendererCategory(holder, sym, holder))
    renderer = QgsCategorizedSymbolRenderer("holder", cats)
    renderer.setOrderBy(QgsFeatureRequest.OrderBy([QgsFeatureRequest.OrderByClause("valid_from", True)]))
    renderer.setOrderByEnabled(True)
    layer.setRenderer(renderer)
    if a.labels:
        pal = QgsPalLayerSettings()
        pal.isExpression = True
        pal.fieldName = "regexp_replace(\"name\", ' (District|City District|Rayon)$', '')"
        pal.placement = QgsPalLayerSettings.OverPoint
        fmt = pal.format()
        fmt.setSize(8)
        buf = fmt.buffer()
        buf.setEnabled(True)
        buf.setColor(QColor("#ffffff"))
        buf.setSize(0.6)
        fmt.setBuffer(buf)
        pal.setFormat(fmt)
        layer.setLabeling(QgsVectorLayerSimpleLabeling(pal))
        layer.setLabelsEnabled(True)
    QgsProject.instance().addMapLayer(layer)
    layers = [layer]
    styles = {  # fill, outline (None: none), as frontline render's base map
        "land": ("#f2efe6", None), "countries": ("#efeade", "#a8a39a"), "lakes": ("#d4e4f0", "#a9c2d8"),
        "rivers": (None, "#9dbbd6")}
    for path in a.basemap:
        name = os.path.splitext(os.path.basename(path))[0]
        base = QgsVectorLayer(path, name, "ogr")
        if not base.isValid():
            print(f"qgis_animate.py: {path}: not a vector layer", file=sys.stderr)
            return 1
        fill, line = styles.get(name, ("#e8e6df", "#c8c6bf"))
        if base.geometryType() == QgsWkbTypes.LineGeometry:
            sym = QgsLineSymbol.createSimple({"line_color": line or "#7f93a8", "line_width": "0.25",
                                              "line_width_unit": "MM"})
        else:
            sym = QgsFillSymbol.createSimple({"color": fill or "#e8e6df", "outline_color": line or "#000000",
                                              "outline_style": "solid" if line else "no",
                                              "outline_width": "0.2", "outline_width_unit": "MM"})
        base.renderer().setSymbol(sym)
        QgsProject.instance().addMapLayer(base)
        layers.insert(1, base)  # under the control layer, over the base layers before it
    sea = any(os.path.splitext(os.path.basename(p))[0] == "land" for p in a.basemap)

    ext = layer.extent()  # lon/lat; the projection centred on it, as frontline render's
    lon0, lat0 = ext.center().x(), ext.center().y()
    crs = QgsCoordinateReferenceSystem.fromProj(
        f"+proj=laea +lat_0={lat0:.6f} +lon_0={lon0:.6f} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs")
    ms = QgsMapSettings()
    ms.setLayers(layers)  # first on top
    ms.setDestinationCrs(crs)
    ms.setOutputSize(QSize(w, h))
    ms.setOutputDpi(96)
    ms.setBackgroundColor(QColor("#d4e4f0" if sea else "#f4f7fa"))
    xf = QgsCoordinateTransform(layer.crs(), crs, QgsProject.instance())
    e = xf.transformBoundingBox(ext)
    e.scale(1.04)
    ms.setExtent(e)

    if a.points:  # not timed: bench/animate.sh runs it apart
        regions = QgsVectorLayer(f"{a.gpkg}|layername=regions", "regions", "ogr")
        rx = QgsCoordinateTransform(regions.crs(), crs, QgsProject.instance())
        m2p = ms.mapToPixel()
        with open(a.points, "w") as f:
            f.write("region,x,y\n")
            for feat in regions.getFeatures():
                g = feat.geometry().pointOnSurface()
                g.transform(rx)
                p = m2p.transform(g.asPoint())
                f.write(f"{feat['id']},{p.x():.1f},{p.y():.1f}\n")
        return 0

    s = QgsTemporalUtils.AnimationExportSettings()
    def qdt(t):
        return QDateTime(t.year, t.month, t.day, t.hour, t.minute, t.second, 0, Qt.UTC)
    s.animationRange = QgsDateTimeRange(qdt(t0), qdt(t1))
    s.frameDuration = QgsInterval(1, QgsUnitTypes.TemporalDays)
    s.outputDirectory = a.outdir
    s.fileNameTemplate = "frame####.png"
    deco = [DateTitle(off)] if a.title else []  # kept alive here: the settings hold bare pointers
    s.decorations = deco
    os.makedirs(a.outdir, exist_ok=True)
    t_anim = time.monotonic()
    ok, err = QgsTemporalUtils.exportAnimation(ms, s)
    t_anim = time.monotonic() - t_anim
    if not ok:
        print(f"qgis_animate.py: exportAnimation failed: {err}", file=sys.stderr)
        return 1
    n = len([f for f in os.listdir(a.outdir) if f.startswith("frame") and f.endswith(".png")])
    print(f"{n} frames in {time.monotonic() - start:.2f} s (exportAnimation {t_anim:.2f} s)")
    return 0


if __name__ == "__main__":
    main()
