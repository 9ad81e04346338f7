#!/usr/bin/python3
"""weight_peers.py: a population series the way a user would compute it without frontline.

    weight_peers.py gen OUT.tif --tracker DIR [--res M] [--crs CRS] [--seed N]
        a SYNTHETIC population raster (float32 counts per cell, GeoTIFF, tiled, DEFLATE) of M-metre
        cells (default 100) in CRS (default ESRI:54009, World Mollweide: GHSL's population grid's) over
        the extent of the tracker's event polygons (areas.geojson), written strip by strip
    weight_peers.py series RASTER FILE... [--every K]
        CSV date,people: the raster's sum under each daily polygon (every K-th file when given),
        rasterstats-style with rasterio + numpy: each day's polygons read, taken into the raster's
        CRS, rasterized over the window of their bounds (a cell counts when its centre is inside:
        rasterio's and rasterstats' default) and the window's cells under them summed

The raster is synthetic, not a census: a smooth rural background plus towns (Gaussian blobs whose
sizes follow a Pareto law), seeded, so that the benchmark needs no download.  What is timed is the
work per cell and per polygon, which does not depend on the values.
"""
import argparse
import json
import os
import re
import sys
import time

import numpy as np


def date_of(path):
    m = re.search(r"(\d{4})-?(\d{2})-?(\d{2})", os.path.basename(path))
    if not m:
        sys.exit("weight_peers: no date in file name %s" % path)
    return "%s-%s-%s" % m.groups()


def cmd_gen(out, tracker, res, crs, seed):
    from osgeo import gdal, ogr, osr
    gdal.UseExceptions()
    ds = ogr.Open(os.path.join(tracker, "areas.geojson"))
    lon0, lon1, lat0, lat1 = ds.GetLayer().GetExtent()
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.SetFromUserInput("EPSG:4326")
    dst.SetFromUserInput(crs)
    for s in (src, dst):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, dst)
    # the box's edges, densified, in the raster's CRS
    pts = [(lon0 + (lon1 - lon0) * i / 100, lat) for i in range(101) for lat in (lat0, lat1)]
    pts += [(lon, lat0 + (lat1 - lat0) * i / 100) for i in range(101) for lon in (lon0, lon1)]
    xy = np.array([ct.TransformPoint(x, y)[:2] for x, y in pts])
    x0, y0 = np.floor(xy.min(axis=0) / res) * res - res
    x1, y1 = np.ceil(xy.max(axis=0) / res) * res + res
    nx, ny = int(round((x1 - x0) / res)), int(round((y1 - y0) / res))
    drv = gdal.GetDriverByName("GTiff")
    o = drv.Create(out + ".tmp", nx, ny, 1, gdal.GDT_Float32,
                   ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", "BIGTIFF=IF_SAFER"])
    o.SetGeoTransform((x0, res, 0, y1, 0, -res))
    o.SetProjection(dst.ExportToWkt())
    band = o.GetRasterBand(1)
    band.SetNoDataValue(-1)
    rng = np.random.default_rng(seed)
    # towns: centres, sizes (Pareto), spread in metres
    ntowns = 400
    cx = rng.uniform(x0, x1, ntowns)
    cy = rng.uniform(y0, y1, ntowns)
    people = (rng.pareto(1.2, ntowns) + 1) * 3000
    sigma = 800 + 40 * np.sqrt(people)
    xs = x0 + (np.arange(nx) + 0.5) * res
    rows = max(1, (1 << 23) // nx)
    cell = res * res
    for r0 in range(0, ny, rows):
        r1 = min(ny, r0 + rows)
        ys = y1 - (np.arange(r0, r1) + 0.5) * res
        # rural background: 5-40 people per km², varying smoothly
        a = (20 + 15 * np.sin(xs / 61e3)[None, :] * np.cos(ys / 47e3)[:, None]) * cell / 1e6
        a = a.astype(np.float32)
        for k in np.nonzero((cy + 5 * sigma > ys[-1]) & (cy - 5 * sigma < ys[0]))[0]:
            c0 = max(0, int((cx[k] - 5 * sigma[k] - x0) / res))
            c1 = min(nx, int((cx[k] + 5 * sigma[k] - x0) / res) + 1)
            if c0 >= c1:
                continue
            g = np.exp(-(((xs[c0:c1] - cx[k]) ** 2)[None, :] + ((ys - cy[k]) ** 2)[:, None])
                       / (2 * sigma[k] ** 2))
            a[:, c0:c1] += (people[k] * cell / (2 * np.pi * sigma[k] ** 2) * g).astype(np.float32)
        band.WriteArray(a, 0, r0)
    o = None
    os.replace(out + ".tmp", out)
    print("%s: %d x %d cells of %g m in %s" % (out, nx, ny, res, crs))


def cmd_series(raster, files, every):
    t0 = time.time()
    import rasterio
    import rasterio.features
    import rasterio.warp
    import rasterio.windows
    from osgeo import ogr
    out = ["date,people"]
    files = sorted(files, key=date_of)[::every]
    t1 = time.time()
    with rasterio.open(raster) as src:
        nodata = src.nodata
        for f in files:
            ds = ogr.Open(f)
            shapes = []
            for feat in ds.GetLayer():
                g = feat.GetGeometryRef()
                if g is not None:
                    shapes.append(rasterio.warp.transform_geom("EPSG:4326", src.crs,
                                                               json.loads(g.ExportToJson())))
            total = 0.0
            if shapes:
                # the window of the shapes' bounds, as rasterstats reads it
                xs, ys = [], []
                for s in shapes:
                    b = rasterio.features.bounds(s)
                    xs += [b[0], b[2]]
                    ys += [b[1], b[3]]
                win = rasterio.windows.from_bounds(min(xs), min(ys), max(xs), max(ys), src.transform)
                win = win.round_offsets().round_lengths().intersection(
                    rasterio.windows.Window(0, 0, src.width, src.height))
                a = src.read(1, window=win)
                mask = rasterio.features.rasterize(shapes, out_shape=a.shape,
                                                   transform=src.window_transform(win), fill=0,
                                                   default_value=1, dtype="uint8")
                sel = mask.astype(bool)
                if nodata is not None:
                    sel &= a != nodata
                total = float(a[sel].sum(dtype=np.float64))
            out.append("%s,%.3f" % (date_of(f), total))
    sys.stdout.write("\n".join(out) + "\n")
    # start-up (imports) and the loop over the days, for the extrapolation to every day
    print("weight_peers series: start-up %.3f s, %d days in %.3f s" % (t1 - t0, len(files), time.time() - t1),
          file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    g.add_argument("--tracker", required=True)
    g.add_argument("--res", type=float, default=100)
    g.add_argument("--crs", default="ESRI:54009")
    g.add_argument("--seed", type=int, default=23)
    s = sub.add_parser("series")
    s.add_argument("raster")
    s.add_argument("files", nargs="+")
    s.add_argument("--every", type=int, default=1)
    args = ap.parse_args()
    t = time.time()
    if args.cmd == "gen":
        cmd_gen(args.out, args.tracker, args.res, args.crs, args.seed)
    else:
        cmd_series(args.raster, args.files, args.every)
    print("weight_peers %s: %.1f s" % (args.cmd, time.time() - t), file=sys.stderr)


if __name__ == "__main__":
    main()
