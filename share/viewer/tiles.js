/* tiles.js: the viewer's tile path, for large trackers.
 *
 * Draws control from serve's vector tiles of the whole history
 * (/collections/control/tiles/WebMercatorQuad/{z}/{y}/{x}) with
 * protomaps-leaflet, as the static site of `export --site` draws its
 * PMTiles: every piece carries its period in whole days (valid_from_day <=
 * D < valid_to_day), so a new date only changes the filter and redraws
 * from the tiles already fetched; the slider sends no request.  The filter,
 * the pieces on the map and the wait for a redraw are share/site/periods.js,
 * which the site shares (served at /viewer/periods.js).
 *
 * window.frontlineTiles.load() fetches protomaps-leaflet from the server
 * (/viewer/vendor/protomaps-leaflet.js, a 404 where it is not installed: the
 * promise fails and viewer.js draws features); start(map, opts) adds the
 * layer and returns {show(day, faded) -> promise of the pieces' properties
 * on the map at day once drawn}.  opts.color(props) and opts.popup(props)
 * are viewer.js's.
 */
(function () {
  "use strict";
  var URL_TILES = "/collections/control/tiles/WebMercatorQuad/{z}/{y}/{x}";
  var MAX_DATA_ZOOM = 14; /* deeper zooms scale the zoom-14 tiles */

  function load() {
    return new Promise(function (ok, fail) {
      if (!window.frontlinePeriods) { fail(new Error("/viewer/periods.js did not load")); return; }
      if (window.protomapsL) { ok(); return; }
      var s = document.createElement("script");
      s.src = "/viewer/vendor/protomaps-leaflet.js";
      s.onload = function () {
        if (window.protomapsL) ok();
        else fail(new Error("protomaps-leaflet did not load"));
      };
      s.onerror = function () { fail(new Error("protomaps-leaflet is not installed on the server")); };
      document.head.appendChild(s);
    });
  }

  function start(map, opts) {
    var periods = window.frontlinePeriods;
    var day = 0, faded = false, seq = 0, loaded = false, waiting = [];
    function shows(p) { return periods.shows(p, day); }
    function marked(p) { return p.uncertain === true || p.partial === true; }
    map.createPane("control-tiles").style.zIndex = 400; /* over the base map, as the features */
    var layer = protomapsL.leafletLayer({
      url: URL_TILES,
      pane: "control-tiles",
      maxDataZoom: MAX_DATA_ZOOM,
      attribution: '<a href="https://github.com/protomaps/protomaps-leaflet">protomaps-leaflet</a>',
      paintRules: [{
        dataLayer: "control",
        filter: function (z, f) { return shows(f.props); },
        symbolizer: new protomapsL.PolygonSymbolizer({
          fill: function (z, f) { return opts.color(f.props); },
          opacity: function () { return faded ? 0.15 : 0.7; },
          stroke: "#444444", width: 0.8
        })
      }, {
        /* uncertain or partial ground: outlined with dashes (the features'
         * path hatches it) */
        dataLayer: "control",
        filter: function (z, f) { return !faded && shows(f.props) && marked(f.props); },
        symbolizer: new protomapsL.LineSymbolizer({ color: "#222222", width: 1.5, dash: [5, 3],
                                                    dashColor: "#222222", dashWidth: 1.5 })
      }]
    });
    layer.addTo(map);
    layer.once("load", function () {
      loaded = true;
      waiting.splice(0).forEach(function (f) { f(); });
    });
    map.on("click", function (e) {
      var hits = [];
      try {
        layer.queryTileFeaturesDebug(e.latlng.lng, e.latlng.lat).forEach(function (list) {
          list.forEach(function (h) {
            if (h.layerName === "control" && shows(h.feature.props)) hits.push(h.feature.props);
          });
        });
      } catch (err) { return; }
      if (hits.length)
        L.popup().setLatLng(e.latlng).setContent(opts.popup(hits[0])).openOn(map);
    });

    function show(d, fade) {
      var mine = ++seq;
      day = d;
      faded = fade;
      return new Promise(function (ok) {
        function redraw() {
          layer.clearLayout();
          layer.rerenderTiles();
          /* a later date's promise answers for this one */
          periods.settle(layer, function () { return mine === seq; },
                         function () { ok(periods.pieces(layer, "control", day)); });
        }
        if (loaded) redraw();
        else waiting.push(redraw);
      });
    }
    return { show: show, layer: layer };
  }

  window.frontlineTiles = { load: load, start: start };
})();
