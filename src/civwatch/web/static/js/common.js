/* civwatch pages: shared helpers. Data arrive in <script type="application/json"> blocks, never as code. */
(function () {
  "use strict";
  const cw = (window.civwatch = window.civwatch || {});

  cw.data = function (id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  };

  // The page's language (<html lang>); numbers are grouped the way it writes them (12,345 / 12 345).
  cw.lang = document.documentElement.getAttribute("lang") || "en";
  const grouping = new Intl.NumberFormat(cw.lang === "en" ? "en-GB" : cw.lang, { maximumFractionDigits: 0 });
  cw.fmt = function (n) {
    return n === null || n === undefined ? "–" : grouping.format(Math.round(n));
  };

  /* A label or sentence from the catalogue: the page embeds the messages its scripts declare
     (web/js_messages.py) in <script type="application/json" id="messages">. {name} placeholders
     are filled with `values`: numbers grouped for the page's language, null as "–", anything
     else as text (pass years as strings). A missing message is logged and its id shown, never blank. */
  let catalogue = null;
  cw.t = function (id, values) {
    if (catalogue === null) catalogue = cw.data("messages") || {};
    const text = catalogue[id];
    if (text === undefined) {
      console.error("civwatch: message " + id + " is not embedded in this page");
      return id;
    }
    return text.replace(/\{(\w+)\}/g, (whole, key) => {
      if (!values || !(key in values)) return whole;
      const v = values[key];
      return typeof v === "number" || v === null || v === undefined ? cw.fmt(v) : String(v);  // unknown prints "–"
    });
  };
  // a value's label where the catalogue has one (`prefix + value`), else the value itself
  cw.tValue = function (prefix, value) {
    if (catalogue === null) catalogue = cw.data("messages") || {};
    const text = catalogue[prefix + value];
    return text === undefined ? String(value) : text;
  };

  // Sequential reds, light to dark (ColorBrewer Reds), for shading countries by civilian deaths.
  cw.shades = ["#fee5d9", "#fcbba1", "#fc9272", "#fb6a4a", "#de2d26", "#a50f15"];
  cw.breaks = function (values) {
    const v = values.filter((x) => x > 0).sort((a, b) => a - b);
    if (!v.length) return [];
    const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
    return [q(0.2), q(0.4), q(0.6), q(0.8), q(0.95)].filter((b, i, all) => b < v[v.length - 1] && all.indexOf(b) === i);
  };
  cw.shade = function (value, breaks) {
    if (!value) return "#f4f6f8";
    let i = 0;
    while (i < breaks.length && value > breaks[i]) i++;
    return cw.shades[i];
  };

  // world-atlas ids are zero-padded ISO numeric; these three have none and are joined by name.
  const BY_NAME = { Kosovo: "XKX", "N. Cyprus": "CYP", Somaliland: "SOM" };
  // a shape's name in the page's language (<script id="country-names">; empty in English)
  let names = null;
  cw.countryName = function (f) {
    if (names === null) names = cw.data("country-names") || {};
    return (f.id ? names[f.id] : names[f.properties.name]) || f.properties.name;
  };

  /* A Leaflet map with no tiles: Natural Earth country shapes from civwatch's own static files. */
  cw.layers = [];
  cw.worldMap = function (el, countries, opts) {
    opts = opts || {};
    // canvas, not SVG: 177 country shapes draw several times faster
    const map = L.map(el, { preferCanvas: true, worldCopyJump: true, minZoom: 1, maxZoom: 12, zoomSnap: 0.5, attributionControl: true });
    map.attributionControl.setPrefix(false).addAttribution("Natural Earth (public domain) · UCDP GED (CC BY 4.0)");
    map.setView(opts.center || [20, 15], opts.zoom || 1.5);
    const byNumeric = {};
    const byIso3 = {};
    (countries || []).forEach((c) => {
      if (c.iso_numeric) byNumeric[c.iso_numeric] = c;
      byIso3[c.country] = c;
    });
    const breaks = cw.breaks((countries || []).map((c) => c.value));
    return fetch(opts.atlas).then((r) => r.json()).then((world) => {
      const shapes = topojson.feature(world, world.objects.countries);
      const layer = L.geoJSON(shapes, {
        style: (f) => {
          const c = f.id ? byNumeric[f.id] : byIso3[BY_NAME[f.properties.name]];
          return { color: "#7b8794", weight: 0.6, fillOpacity: 0.9, fillColor: cw.shade(c && c.value, breaks) };
        },
        onEachFeature: (f, lyr) => {
          const c = f.id ? byNumeric[f.id] : byIso3[BY_NAME[f.properties.name]];
          const name = cw.countryName(f);
          lyr.bindTooltip(opts.tooltip ? opts.tooltip(name, c) : (c ? cw.t("js.map.tooltip", { name: name, n: c.value }) : cw.t("js.map.no_data", { name: name })), { sticky: true });
          if (c && opts.countryLink) lyr.on("click", () => { window.location.href = opts.countryLink(c.country); });
        },
      }).addTo(map);
      cw.layers.push(layer);  // the country shapes, for checks in the browser
      cw.legend(opts.legend, breaks);
      if (opts.fit && countries && countries.length) {
        const bounds = L.latLngBounds([]);
        layer.eachLayer((l) => {
          const f = l.feature;
          const c = f.id ? byNumeric[f.id] : byIso3[BY_NAME[f.properties.name]];
          if (c && c.value) bounds.extend(l.getBounds());
        });
        if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 4, padding: [24, 24] });
      }
      return map;
    }).then(() => map);
  };

  cw.legend = function (el, breaks) {
    if (!el) return;
    el.textContent = "";
    const add = (colour, text) => {
      const span = document.createElement("span");
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = colour;
      span.appendChild(sw);
      span.appendChild(document.createTextNode(text));
      el.appendChild(span);
    };
    add("#f4f6f8", cw.t("js.legend.none"));
    let lo = 1;
    breaks.forEach((b, i) => { add(cw.shades[i], lo >= b ? cw.fmt(b) : `${cw.fmt(lo)}–${cw.fmt(b)}`); lo = b + 1; });
    if (breaks.length) add(cw.shades[breaks.length], cw.t("js.legend.over", { n: breaks[breaks.length - 1] }));
  };

  /* A bar/line chart of one series with uPlot; width follows the container. */
  cw.charts = [];
  cw.chart = function (el, xs, series, opts) {
    opts = opts || {};
    if (!el || !xs.length) return null;
    const width = () => Math.max(260, el.clientWidth);
    const cfg = {
      width: width(),
      height: opts.height || 260,
      scales: {
        x: { time: false, range: (u, lo, hi) => [lo - 0.6, hi + 0.6] },
        y: { range: (u, lo, hi) => [0, hi > 0 ? hi * 1.08 : 1] },
      },
      axes: [
        { values: (u, ticks) => ticks.map((t) => (opts.xLabels ? opts.xLabels[t] || "" : String(t))) },
        { size: 60, values: (u, ticks) => ticks.map((t) => cw.fmt(t)) },
      ],
      series: [{ label: opts.xName || cw.t("js.chart.year") }].concat(
        series.map((s, i) => ({
          label: s.label,
          stroke: s.colour || ["#a50f15", "#0b5cad", "#1d6b33"][i % 3],
          fill: s.fill || null,
          width: 2,
          value: (u, v) => cw.fmt(v),
          paths: opts.bars ? uPlot.paths.bars({ size: [0.7, 60] }) : undefined,
          points: { show: !opts.bars },
        }))
      ),
    };
    const plot = new uPlot(cfg, [xs].concat(series.map((s) => s.values)), el);
    cw.charts.push(plot);
    window.addEventListener("resize", () => plot.setSize({ width: width(), height: cfg.height }));
    return plot;
  };
})();
