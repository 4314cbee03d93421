/* Instrument page: parties by year (uPlot) and a world map shaded by status (no tiles). */
(function () {
  "use strict";
  const cw = window.civwatch;
  const d = cw.data("page-data");
  const COLOURS = { party: "#5aae61", signatory: "#f1c232", withdrawn: "#e6550d", none: "#d9d9d9" };
  const LABELS = {};
  Object.keys(COLOURS).forEach((k) => { LABELS[k] = cw.t("js.treaty.status." + k); });
  cw.chart(document.getElementById("curve"), d.curve.map((r) => r.year), [
    { label: cw.t("js.treaty.parties"), values: d.curve.map((r) => r.parties), fill: "rgba(90,174,97,0.15)", colour: "#1d6b33" },
  ]);
  const byNum = {};
  const byIso = {};
  d.rows.forEach((r) => { if (r.iso_numeric) byNum[r.iso_numeric] = r; byIso[r.country] = r; });
  const BY_NAME = { Kosovo: "XKX", "N. Cyprus": "CYP", Somaliland: "SOM" };
  const map = L.map(document.getElementById("map"), { preferCanvas: true, worldCopyJump: true, minZoom: 1, maxZoom: 8, zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false).addAttribution("Natural Earth (public domain) · UN Treaty Collection");
  map.setView([20, 15], 1.5);
  fetch(d.atlas).then((r) => r.json()).then((world) => {
    L.geoJSON(topojson.feature(world, world.objects.countries), {
      style: (f) => {
        const r = f.id ? byNum[f.id] : byIso[BY_NAME[f.properties.name]];
        return { color: "#7b8794", weight: 0.6, fillOpacity: 0.9, fillColor: r ? COLOURS[r.status] : "#ffffff" };
      },
      onEachFeature: (f, lyr) => {
        const r = f.id ? byNum[f.id] : byIso[BY_NAME[f.properties.name]];
        const name = cw.countryName(f);
        lyr.bindTooltip(r ? cw.t("js.treaty.tooltip", { name: name, status: LABELS[r.status] }) : cw.t("js.treaty.not_in_register", { name: name }), { sticky: true });
        if (r) lyr.on("click", () => { window.location.href = `/countries/${r.country}/treaties`; });
      },
    }).addTo(map);
    const legend = document.getElementById("legend");
    Object.keys(COLOURS).forEach((k) => {
      const span = document.createElement("span");
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = COLOURS[k];
      span.appendChild(sw);
      span.appendChild(document.createTextNode(LABELS[k]));
      legend.appendChild(span);
    });
    document.body.dataset.ready = "1";
  });
})();
