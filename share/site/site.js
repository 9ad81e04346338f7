/* site.js: the page of `frontline export --site`, on any static host.
 *
 * Reads site.json (written beside it: the tile set's bounds, zoom levels
 * and metadata, the actors' names and colours, the days on which control
 * changed) and draws control.pmtiles with protomaps-leaflet, which fetches
 * the tiles it needs from that one file by HTTP range requests.  Every
 * piece in the tiles carries its period (valid_from_day <= D <
 * valid_to_day, whole days since 1970-01-01): the date slider only changes
 * the filter and redraws, no request for data goes out for a new date
 * (periods.js, shared with the live viewer's tile path).
 *
 * As in the live viewer: the slider runs from the first change's day to
 * today (or the last change's, when later) and opens on the last change;
 * the play button steps through the days of change, then today, one step a
 * second, and stops at the end (pressed again, it pauses; at the end, it
 * starts again); the legend lists the holders on the map at that date.
 * ?date=D opens the page on a day and is kept up to date.  body gets
 * data-loaded="<date>" once the tiles of a date are drawn, and
 * window.frontlineSite has the map and a point's pixel (for tests).
 */
(function () {
  "use strict";
  var DAY = 86400000;
  var slider = document.getElementById("slider");
  var dateOut = document.getElementById("date");
  var playBtn = document.getElementById("play");
  var statusEl = document.getElementById("status");
  var site = null, layer = null, first = 0, stops = [], playing = false, playTimer = null;
  var names = {}, colors = {}, day = 0, seq = 0;

  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function dayOf(text) { return Date.parse(text.slice(0, 10) + "T00:00:00Z"); }
  function sliderDate() { return isoDay(first + Number(slider.value) * DAY); }
  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  var periods = window.frontlinePeriods;
  function shows(p) { return periods.shows(p, day); }

  /* The holders on the map at the slider's day: those of the pieces in
   * the tiles drawn, which protomaps-leaflet keeps. */
  function legend() {
    var seen = {};
    periods.pieces(layer, "control", day).forEach(function (p) {
      seen[p.holder] = p.color || colors[p.holder] || "#bbbbbb";
    });
    var html = "<div><strong>" + esc(sliderDate()) + "</strong></div>";
    Object.keys(seen).sort().forEach(function (h) {
      html += '<div><span class="swatch" style="background:' + esc(seen[h]) + '"></span>' +
        esc(names[h] ? h + " – " + names[h] : h) + "</div>";
    });
    document.getElementById("legend").innerHTML = html;
  }

  function draw() {
    var mine = ++seq, date = sliderDate();
    day = Math.round(dayOf(date) / DAY);
    dateOut.textContent = date;
    document.body.removeAttribute("data-loaded");
    var url = new URL(window.location.href);
    url.searchParams.set("date", date);
    window.history.replaceState(null, "", url.toString());
    layer.clearLayout();
    layer.rerenderTiles();
    /* the tiles are redrawn from memory after the first load */
    periods.settle(layer, function () { return mine === seq; }, function () {
      legend();
      document.body.setAttribute("data-loaded", date);
      if (playing) playTimer = setTimeout(step, 1000);
    });
  }

  function step() {
    var now = Number(slider.value), next = null;
    for (var i = 0; i < stops.length; i++)
      if (stops[i] > now) { next = stops[i]; break; }
    if (next === null) { stop(); return; }
    slider.value = next;
    draw();
  }
  function stop() {
    playing = false;
    clearTimeout(playTimer);
    playBtn.textContent = "▶ play";
    playBtn.setAttribute("aria-pressed", "false");
  }
  playBtn.addEventListener("click", function () {
    if (playing) { stop(); return; }
    playing = true;
    playBtn.textContent = "❚❚ pause";
    playBtn.setAttribute("aria-pressed", "true");
    if (Number(slider.value) >= stops[stops.length - 1]) slider.value = stops[0];
    else { step(); return; }
    draw();
  });
  slider.addEventListener("input", function () { stop(); draw(); });

  fetch("site.json").then(function (r) {
    if (!r.ok) throw new Error("site.json: HTTP " + r.status);
    return r.json();
  }).then(function (s) {
    site = s;
    var meta = s.metadata || {};
    document.title = meta.name || "frontline";
    document.getElementById("title").textContent = meta.name || "frontline";
    s.actors.forEach(function (a) { names[a.id] = a.name; colors[a.id] = a.color; });
    var days = s.stops.map(dayOf);
    first = days.length ? days[0] : Date.now();
    var today = dayOf(new Date().toISOString());
    var last = Math.max(today, days.length ? days[days.length - 1] : today);
    slider.max = Math.round((last - first) / DAY);
    stops = days.map(function (d) { return Math.round((d - first) / DAY); });
    stops.push(Math.round((today - first) / DAY));
    var want = new URL(window.location.href).searchParams.get("date");
    var open = want && !isNaN(dayOf(want)) ? dayOf(want) : days[days.length - 1];
    slider.value = Math.max(0, Math.min(Number(slider.max), Math.round((open - first) / DAY)));

    var b = s.bounds;
    var map = L.map("map", { zoomSnap: 0.25, maxZoom: s.maxzoom + 4 });
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    var credits = [meta.attribution,
                   '<a href="https://github.com/protomaps/protomaps-leaflet">protomaps-leaflet</a>'];
    layer = protomapsL.leafletLayer({
      url: s.tiles,
      maxDataZoom: s.maxzoom,
      attribution: credits.filter(Boolean).join(" | "),
      paintRules: [{
        dataLayer: "control",
        filter: function (z, f) { return shows(f.props); },
        symbolizer: new protomapsL.PolygonSymbolizer({
          fill: function (z, f) { return f.props.color || colors[f.props.holder] || "#bbbbbb"; },
          opacity: 0.75, stroke: "#ffffff", width: 0.5
        })
      }, {
        dataLayer: "zones",
        filter: function (z, f) { return shows(f.props); },
        symbolizer: new protomapsL.PolygonSymbolizer({ fill: "#000000", opacity: 0.12 })
      }]
    });
    layer.addTo(map);
    layer.once("load", draw);
    /* for tests: the map, and the page's pixel of a point */
    window.frontlineSite = {
      map: map,
      pixel: function (lat, lng) {
        var p = map.latLngToContainerPoint([lat, lng]), r = map.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top];
      }
    };
  }).catch(function (e) {
    statusEl.textContent = String(e.message || e);
  });
})();
