/* basemap.js: the viewer's base map and labels, for viewer.js.
 *
 * The base map is the one `frontline render` draws, served by the same
 * server (/basemap/{layer}: Natural Earth cut to the tracker's extent with a
 * margin; no tile server): land, country borders, lakes and rivers in muted
 * colours, in a pane below the regions.  Labels are the Natural Earth
 * populated places (by rank: the lower SCALERANK, then the larger
 * population, first; a place shows once the zoom reaches its rank) and the
 * regions' names as the tracker gives them (`name`, without " District";
 * never one side's name in place of it), placed one by one where they do
 * not overlap a label already placed, again at every zoom or move.  Each
 * label is a div.fl-label (.place or .region) with data-name.
 */
window.frontlineBasemap = (function () {
  "use strict";
  var SEA = "#dde6ea", LAND = "#e8e8e0", BORDER = "#b3b3a8", WATER_LINE = "#a9c1cf";
  var places = [], regions = [], map = null, labelLayer = null, measure = null;

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }

  function textWidth(text, font) {
    if (!measure) measure = document.createElement("canvas").getContext("2d");
    measure.font = font;
    return measure.measureText(text).width;
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* the centroid of the largest outer ring of a (multi)polygon, [lat, lng] */
  function labelPoint(g) {
    var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    var best = null, bestArea = 0;
    polys.forEach(function (rings) {
      var r = rings[0], a = 0, cx = 0, cy = 0;
      for (var i = 0, j = r.length - 1; i < r.length; j = i++) {
        var k = r[j][0] * r[i][1] - r[i][0] * r[j][1];
        a += k;
        cx += (r[j][0] + r[i][0]) * k;
        cy += (r[j][1] + r[i][1]) * k;
      }
      if (Math.abs(a) > bestArea) { bestArea = Math.abs(a); best = [cy / (3 * a), cx / (3 * a)]; }
    });
    return best;
  }

  function shortName(name) { return String(name || "").replace(/ District$/, ""); }

  /* the label boxes placed so far; a new one is kept when it meets none */
  function free(boxes, b) {
    for (var i = 0; i < boxes.length; i++) {
      var o = boxes[i];
      if (b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1) return false;
    }
    return true;
  }

  function place() {
    if (!map || !labelLayer) return;
    labelLayer.clearLayers();
    var size = map.getSize(), z = map.getZoom(), boxes = [];
    function add(latlng, text, cls, w, h, dx) {
      var p = map.latLngToContainerPoint(latlng);
      var b = { x0: p.x + dx - 2, y0: p.y - h / 2 - 1, x1: p.x + dx + w + 2, y1: p.y + h / 2 + 1 };
      if (b.x0 < 0 || b.y0 < 0 || b.x1 > size.x || b.y1 > size.y || !free(boxes, b)) return;
      boxes.push(b);
      L.marker(latlng, {
        pane: "labels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "fl-label " + cls, iconSize: null,
                          html: '<span data-name="' + esc(text) + '">' + esc(text) + "</span>" })
      }).addTo(labelLayer);
    }
    places.forEach(function (f) {
      var p = f.properties, rank = p.SCALERANK;
      if (rank > z + 1.5) return;
      var c = f.geometry.coordinates, text = p.NAME;
      add([c[1], c[0]], text, "place" + (rank <= 3 ? " major" : ""),
          textWidth(text, (rank <= 3 ? "bold " : "") + "12px sans-serif") + 8, 14, -4);
    });
    regions.forEach(function (r) {
      var b = r.bounds, nw = map.latLngToContainerPoint(b.getNorthWest()),
          se = map.latLngToContainerPoint(b.getSouthEast());
      var w = textWidth(r.text, "italic 11px sans-serif");
      if (w > (se.x - nw.x) * 0.9 || se.y - nw.y < 14) return;
      add(r.at, r.text, "region", w, 13, -w / 2);
    });
  }

  function drawLayer(name, style, renderer) {
    return getJSON("/basemap/" + name).then(function (fc) {
      L.geoJSON(fc, { pane: "basemap", renderer: renderer, interactive: false, style: style }).addTo(map);
      return fc;
    });
  }

  /* Draw the base map on m and the labels of the regions (a GeoJSON
   * FeatureCollection of the tracker's regions); resolves with the
   * attribution to show, or null when the server has no base map. */
  function start(m, regionFC) {
    map = m;
    map.createPane("basemap").style.zIndex = 250;
    map.createPane("labels").style.zIndex = 640;
    map.getPane("labels").style.pointerEvents = "none";
    map.getContainer().style.background = SEA;
    labelLayer = L.layerGroup().addTo(map);
    regions = (regionFC.features || []).filter(function (f) { return f.geometry; }).map(function (f) {
      var bounds = L.geoJSON(f).getBounds();
      return { text: shortName(f.properties.name), bounds: bounds,
               at: labelPoint(f.geometry) || bounds.getCenter(), area: f.properties.area_km2 || 0 };
    });
    regions.sort(function (a, b) { return b.area - a.area; });
    map.on("zoomend moveend resize", place);
    var renderer = L.svg({ pane: "basemap" });
    return getJSON("/basemap").then(function (idx) {
      var have = {};
      (idx.layers || []).forEach(function (l) { have[l.id] = true; });
      if (!have.land) return null;
      var jobs = [drawLayer("land", function () { return { stroke: false, fillColor: LAND, fillOpacity: 1 }; },
                            renderer)];
      if (have.countries)
        jobs.push(drawLayer("countries", function () {
          return { fill: false, color: BORDER, weight: 0.8, opacity: 1 };
        }, renderer));
      if (have.lakes)
        jobs.push(drawLayer("lakes", function () {
          return { fillColor: SEA, fillOpacity: 1, color: WATER_LINE, weight: 0.5, opacity: 1 };
        }, renderer));
      if (have.rivers)
        jobs.push(drawLayer("rivers", function () {
          return { fill: false, color: WATER_LINE, weight: 1, opacity: 1 };
        }, renderer));
      if (have.places)
        jobs.push(getJSON("/basemap/places").then(function (fc) {
          places = fc.features.filter(function (f) {
            return f.geometry && f.geometry.type === "Point" && f.properties.NAME;
          });
          places.sort(function (a, b) {
            return a.properties.SCALERANK - b.properties.SCALERANK ||
              (b.properties.POP_MAX || 0) - (a.properties.POP_MAX || 0);
          });
        }));
      return Promise.all(jobs).then(function () { place(); return idx.attribution || null; });
    }).catch(function () { place(); return null; });
  }

  return { start: start, place: place };
})();
