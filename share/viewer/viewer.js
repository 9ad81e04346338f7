/* viewer.js: the map viewer of `frontline serve`.
 *
 * Reads the OGC API of the same server: /collections/control for the actors'
 * colours and the event range, /collections/control/items?datetime=D for the
 * map of a date, /collections/changes/items?datetime=D1/D2 in compare mode.
 * Each region's path carries the class "region-<id>", and document.body gets
 * data-loaded="<date>" when a map is drawn (the browser test relies on both).
 *
 * The page's own URL says what it shows: ?date=D opens it on a day and
 * &compare=D1/D2 in compare mode; both are kept up to date (replaceState) as
 * the slider and the compare dates move, so a link reopens the same view.
 *
 * The slider runs from the first event's day to today (UTC days; to the
 * last event's when that is later) and opens on the last event's day.  The
 * play button steps through the days on which an event applies (from
 * /collections/events), then today, one step a second once each map is
 * drawn, and stops at the end; pressed again it pauses; pressed at the end
 * it starts again from the first event.  Under the regions is the base map
 * and over them the labels (basemap.js); the credits are the tracker's
 * attribution (from the landing page), Natural Earth's and Leaflet's.
 * Ground whose date is uncertain is hatched (#fl-hatch, class "uncertain
 * hatch-<id>"), and so is a piece whose event covered only part of the
 * region (partial: #fl-hatch-partial, the other diagonal, class "partial
 * hatch-<id>"), each with a legend row.  body gets data-basemap="ready"
 * (or "none") once the base map is drawn.
 *
 * A large tracker (TILES_AT regions or more: the control collection's
 * regionCount) is drawn from serve's vector tiles instead (tiles.js): the
 * whole history once, filtered by the slider's day in the browser, so the
 * slider sends no request; its legend lists the holders without areas and
 * uncertain or partial ground is outlined with dashes.  ?tiles=1 or ?tiles=0
 * forces either path; without protomaps-leaflet on the server the viewer
 * draws features.  body gets data-control="tiles" or "features".
 */
(function () {
  "use strict";
  var DAY = 86400000;
  /* from this many regions on, a map of features is too heavy for the
   * browser (an SVG path per piece, fetched anew per date): draw tiles */
  var TILES_AT = 2000;
  var forced = /[?&]tiles=([01])(&|$)/.exec(location.search);
  var tiles = null; /* the tile path (tiles.js), when drawn from tiles */
  var map = L.map("map", { zoomSnap: 0.25, attributionControl: false });
  var credits = L.control.attribution({ position: "bottomleft" }).addTo(map);
  var colors = {}, names = {}, first = 0, last = 0, stops = [], playing = false, playTimer = null;
  var playBtn = document.getElementById("play");
  var controlLayer = null, changesLayer = null, seq = 0, timer = null;
  var slider = document.getElementById("slider");
  var dateOut = document.getElementById("date");
  var compare = document.getElementById("compare");
  var d1 = document.getElementById("d1"), d2 = document.getElementById("d2");
  var statusEl = document.getElementById("status");

  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function dayOf(text) { return Date.parse(text.slice(0, 10) + "T00:00:00Z"); }
  function sliderDate() { return isoDay(first + Number(slider.value) * DAY); }
  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function color(id) { return colors[id] || "#bbbbbb"; }
  /* the holder's id; contested ground (no one holder, its parties "AM;AZ")
   * as the id of its actor, contested:AM+AZ */
  function holderId(h, parties) { return parties ? "contested:" + parties.split(";").join("+") : h; }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(body.description || ("HTTP " + r.status));
          return body;
        });
      });
  }
  function cls(id) { return "region-" + String(id).replace(/[^A-Za-z0-9_-]/g, "_"); }

  function legend(features, title) {
    var area = {};
    features.forEach(function (f) {
      var p = f.properties;
      var h = holderId(p.holder, p.contested) || holderId(p.to, p.to_contested) || "";
      area[h] = (area[h] || 0) + (f.properties.area_km2 || 0);
    });
    /* pieces from tiles have no area: the holders only, and a row for
     * uncertain or partial ground when there is some */
    var km = features.some(function (f) { return f.properties.area_km2 !== undefined; });
    function size(a) { return km ? " <small>(" + Math.round(a).toLocaleString("en") + " km²)</small>" : ""; }
    var html = "<div><strong>" + esc(title) + "</strong></div>", unsure = 0, part = 0;
    Object.keys(area).sort().forEach(function (h) {
      html += '<div><span class="swatch" style="background:' + esc(color(h)) + '"></span>' +
        esc(names[h] ? h + " – " + names[h] : (h || "not held")) + size(area[h]) + "</div>";
    });
    features.forEach(function (f) {
      if (f.properties.uncertain) unsure += f.properties.area_km2 || (km ? 0 : 1);
      if (f.properties.partial === true) part += f.properties.area_km2 || (km ? 0 : 1);
    });
    if (unsure > 0)
      html += '<div class="legend-uncertain"><span class="swatch hatch"></span>uncertain: the date of the ' +
        "change admits a period" + size(unsure) + "</div>";
    if (part > 0)
      html += '<div class="legend-partial"><span class="swatch hatch-partial"></span>partial: the source ' +
        "reports the change for part of the region only" + size(part) + "</div>";
    document.getElementById("legend").innerHTML = html;
  }

  function popupControl(p) {
    return "<table><tr><td colspan=2><strong>" + esc(p.name) + "</strong></td></tr>" +
      (p.alt_names ? "<tr><td>also</td><td>" + esc(p.alt_names.split(";").join(", ")) + "</td></tr>" : "") +
      "<tr><td>holder</td><td>" + esc(p.contested ? "contested by " + p.contested.split(";").join(", ") :
                                      p.holder ? p.holder + " – " + (p.holder_name || "") : "not held") + "</td></tr>" +
      "<tr><td>since</td><td>" + esc(p.since) + "</td></tr>" +
      "<tr><td>status</td><td>" + esc(p.status) + (p.partial ? " (partial)" : "") + "</td></tr>" +
      "<tr><td>source</td><td>" + esc(p.source) + "</td></tr>" +
      "<tr><td>event</td><td>" + esc(p.event) + "</td></tr>" +
      (p.uncertain ? "<tr><td>uncertain</td><td>" + esc(p.uncertain_from) + " … " + esc(p.uncertain_to) +
        " (" + esc(p.uncertain_event) + "): may be " + esc(p.possible_holders) + "</td></tr>" : "") +
      "</table>";
  }

  function popupChange(p) {
    return "<table><tr><td colspan=2><strong>" + esc(p.name) + "</strong></td></tr>" +
      "<tr><td>change</td><td>" + esc((holderId(p.from, p.from_contested) || "none") + " → " +
                                      (holderId(p.to, p.to_contested) || "none")) + "</td></tr>" +
      "<tr><td>area</td><td>" + esc(Math.round(p.area_km2).toLocaleString("en")) + " km²</td></tr>" +
      "<tr><td>events</td><td>" + esc(p.events) + "</td></tr>" +
      "<tr><td>dates</td><td>" + esc(p.first_date) + " … " + esc(p.last_date) + "</td></tr></table>";
  }

  function draw() {
    var mine = ++seq;
    var date = sliderDate();
    var inCompare = compare.checked;
    var url = "/collections/control/items?f=json&limit=10000&datetime=" + date;
    var jobs = [tiles ? tiles.show(Math.round(dayOf(date) / DAY), inCompare) : getJSON(url)];
    if (inCompare)
      jobs.push(getJSON("/collections/changes/items?f=json&limit=10000&datetime=" +
                        encodeURIComponent(d1.value + "/" + d2.value)));
    statusEl.textContent = "";
    Promise.all(jobs).then(function (res) {
      if (mine !== seq) return; /* a later request won */
      map.closePopup();
      if (controlLayer) map.removeLayer(controlLayer);
      if (changesLayer) map.removeLayer(changesLayer);
      changesLayer = null;
      controlLayer = null;
      if (tiles) /* the pieces' properties, as features */
        res[0] = { features: res[0].map(function (p) { return { properties: p }; }) };
      else controlLayer = L.featureGroup();
      if (controlLayer) {
        L.geoJSON(res[0], {
          style: function (f) {
            var p = f.properties, c = p.contested ? p.contested.split(";") : null;
            /* contested ground: grey, outlined with dashes in its first party's colour */
            return { fillColor: color(holderId(p.holder, p.contested)), fillOpacity: inCompare ? 0.15 : 0.7,
                     color: c ? color(c[0]) : "#444", weight: c ? 2 : 0.8, dashArray: c ? "6 4" : null,
                     className: cls(f.id) };
          },
          onEachFeature: function (f, layer) { layer.bindPopup(popupControl(f.properties)); }
        }).addTo(controlLayer);
        /* uncertain ground: hatched over the nominal holder's colour; partial
         * ground (the event reports part of the region) with the other diagonal */
        [["uncertain", "url(#fl-hatch)", "5 3"], ["partial", "url(#fl-hatch-partial)", null]].forEach(function (k) {
          var some = res[0].features.filter(function (f) { return f.properties[k[0]] === true; });
          if (some.length && !inCompare)
            L.geoJSON({ type: "FeatureCollection", features: some }, {
              style: function (f) {
                return { fillColor: k[1], fillOpacity: 1, color: "#222", weight: 1, dashArray: k[2],
                         className: k[0] + " " + cls(f.id).replace("region-", "hatch-") };
              },
              onEachFeature: function (f, layer) { layer.bindPopup(popupControl(f.properties)); }
            }).addTo(controlLayer);
        });
        controlLayer.addTo(map);
      }
      if (inCompare) {
        changesLayer = L.geoJSON(res[1], {
          style: function (f) {
            return { fillColor: color(holderId(f.properties.to, f.properties.to_contested)),
                     fillOpacity: 0.85, color: "#000",
                     weight: 2, dashArray: "4 3", className: "change " + cls(f.id) };
          },
          onEachFeature: function (f, layer) { layer.bindPopup(popupChange(f.properties)); }
        }).addTo(map);
        legend(res[1].features, "Changes " + d1.value + " → " + d2.value);
      } else {
        legend(res[0].features, "Control on " + date);
      }
      document.body.setAttribute("data-loaded", date + (inCompare ? " " + d1.value + "/" + d2.value : ""));
      if (playing) playTimer = setTimeout(step, 1000);
    }).catch(function (e) {
      if (mine === seq) {
        statusEl.textContent = e.message;
        pause();
      }
    });
  }

  /* ---- play: the next day an event applies on, then today, then stop */
  function setPlaying(on) {
    playing = on;
    clearTimeout(playTimer);
    playBtn.textContent = on ? "❚❚ pause" : "▶ play";
    playBtn.setAttribute("aria-pressed", on ? "true" : "false");
  }
  function pause() { setPlaying(false); }
  function step() {
    if (!playing) return;
    var now = first + Number(slider.value) * DAY;
    var next = stops.filter(function (d) { return d > now; })[0];
    if (next === undefined) { pause(); return; }
    slider.value = Math.round((next - first) / DAY);
    changed(true);
  }
  playBtn.addEventListener("click", function () {
    if (playing) { pause(); return; }
    if (Number(slider.value) >= Number(slider.max)) { /* at the end: from the start again */
      slider.value = Math.round(((stops[0] || first) - first) / DAY);
      setPlaying(true);
      changed(true);
      return;
    }
    setPlaying(true);
    step();
  });

  /* the view in the page's URL (no new history entry per slider step) */
  function keepInURL() {
    var q = "?date=" + sliderDate() + (forced ? "&tiles=" + forced[1] : "");
    if (compare.checked && d1.value && d2.value) q += "&compare=" + d1.value + "/" + d2.value;
    if (location.search !== q) history.replaceState(null, "", location.pathname + q + location.hash);
  }

  function changed(immediate) {
    dateOut.textContent = sliderDate();
    keepInURL();
    clearTimeout(timer);
    timer = setTimeout(draw, immediate ? 0 : 120);
  }

  slider.addEventListener("input", function () { pause(); changed(false); });
  compare.addEventListener("change", function () {
    document.getElementById("compare-dates").hidden = !compare.checked;
    if (compare.checked && !d1.value) {
      d2.value = sliderDate();
      d1.value = isoDay(dayOf(d2.value) - 30 * DAY);
    }
    changed(true);
  });
  d1.addEventListener("change", function () { changed(true); });
  d2.addEventListener("change", function () { changed(true); });

  getJSON("/collections/control?f=json").then(function (c) {
    (c.actors || []).forEach(function (a) { colors[a.id] = a.color; names[a.id] = a.name; });
    var want = forced ? forced[1] === "1" : (c.regionCount || 0) >= TILES_AT;
    var iv = c.extent && c.extent.temporal ? c.extent.temporal.interval[0] : null;
    var today = dayOf(isoDay(Date.now()));
    first = dayOf(iv && iv[0] ? iv[0] : isoDay(Date.now()));
    last = dayOf(iv && iv[1] ? iv[1] : isoDay(Date.now()));
    slider.min = 0;
    slider.max = Math.round((Math.max(last, today) - first) / DAY);
    slider.value = Math.round((last - first) / DAY);
    stops = [today];
    var b = c.extent.spatial.bbox[0];
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    var q = /[?&]date=(\d{4}-\d{2}-\d{2})(&|$)/.exec(location.search);
    if (q) slider.value = Math.round((dayOf(q[1]) - first) / DAY);
    var c = /[?&]compare=(\d{4}-\d{2}-\d{2})(?:\/|%2F)(\d{4}-\d{2}-\d{2})(&|$)/i.exec(location.search);
    if (c) {
      compare.checked = true;
      d1.value = c[1];
      d2.value = c[2];
      document.getElementById("compare-dates").hidden = false;
    }
    (want ? window.frontlineTiles.load() : Promise.reject(null)).then(function () {
      tiles = window.frontlineTiles.start(map, {
        color: function (p) { return color(holderId(p.holder, p.contested)); },
        popup: function (p) {
          return popupControl({ name: p.region_name || p.region, holder: p.holder, holder_name: p.holder_name,
                                contested: p.contested, since: isoDay(p.valid_from_day * DAY), status: p.status,
                                partial: p.partial, event: p.event });
        }
      });
    }).catch(function (e) {
      if (e) console.warn("the viewer draws features: " + e.message);
    }).then(function () {
      document.body.setAttribute("data-control", tiles ? "tiles" : "features");
      changed(true);
      extras();
    });
  }).catch(function (e) { statusEl.textContent = e.message; });

  /* the play stops, the credits, the base map and the labels */
  function extras() {
    getJSON("/collections/events/items?f=json&limit=10000").then(function (fc) {
      var seen = {};
      fc.features.forEach(function (f) {
        var w = f.properties.when;
        if (w) seen[dayOf(String(w))] = true;
      });
      seen[stops[0]] = true;
      stops = Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
    }).catch(function (e) { statusEl.textContent = e.message; });
    getJSON("/?f=json").then(function (land) {
      if (land.attribution)
        credits.addAttribution(esc(String(land.attribution).replace(/^Attribution:\s*/, "")
                                   .replace(/\.$/, "")));
    }).catch(function (e) { statusEl.textContent = e.message; });
    getJSON("/collections/regions/items?f=json&limit=10000").then(function (fc) {
      return window.frontlineBasemap.start(map, fc);
    }).then(function (credit) {
      if (credit) credits.addAttribution(esc(credit));
      document.body.setAttribute("data-basemap", credit ? "ready" : "none");
    }).catch(function (e) { statusEl.textContent = e.message; });
  }

  window.frontlineViewer = {
    setDate: function (text) { slider.value = Math.round((dayOf(text) - first) / DAY); changed(true); },
    date: sliderDate,
    map: map,
    /* the page (viewport) position of a point, in CSS pixels */
    pixel: function (lat, lng) {
      var p = map.latLngToContainerPoint([lat, lng]), r = map.getContainer().getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    }
  };
})();
