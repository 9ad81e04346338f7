/* periods.js: what the static site (site.js) and the live viewer's tile
 * path (share/viewer/tiles.js, served by `frontline serve` at
 * /viewer/periods.js) share about drawing whole-history tiles with
 * protomaps-leaflet.
 *
 * Every piece in the tiles carries its period in whole days since
 * 1970-01-01 (valid_from_day <= D < valid_to_day), so a date is a filter:
 * shows(props, day).  pieces(layer, dataLayer, day) gives the properties of
 * the pieces on the map at day in the tiles protomaps-leaflet keeps (for a
 * legend), and settle(layer, current, done) calls done() once a redrawn
 * layer has no tile loading, then a frame, unless current() has turned
 * false (a later date won).
 */
(function () {
  "use strict";
  function shows(p, day) { return p.valid_from_day <= day && day < p.valid_to_day; }

  function pieces(layer, dataLayer, day) {
    var out = [];
    var view = layer && layer.views && layer.views.get("");
    var cache = view && view.tileCache && view.tileCache.cache;
    if (cache)
      cache.forEach(function (entry) {
        if (entry.data)
          (entry.data.get(dataLayer) || []).forEach(function (f) { if (shows(f.props, day)) out.push(f.props); });
      });
    return out;
  }

  function settle(layer, current, done) {
    (function wait() {
      if (!current()) return;
      if (layer.isLoading && layer.isLoading()) { setTimeout(wait, 50); return; }
      setTimeout(function () { if (current()) done(); }, 100);
    })();
  }

  window.frontlinePeriods = { shows: shows, pieces: pieces, settle: settle };
})();
