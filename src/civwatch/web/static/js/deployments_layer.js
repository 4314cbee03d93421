/* Map page: a layer of UN peacekeeping deployments (Geo-PKO location-years), one year at a time. */
(function () {
  "use strict";
  const cw = window.civwatch;
  const toggle = document.getElementById("deployments-toggle");
  const select = document.getElementById("deployments-year");
  const summary = document.getElementById("deployments-summary");
  if (!toggle) return;
  document.addEventListener("civwatch:map", (ev) => {
    const map = ev.detail;
    const layer = L.layerGroup();
    const load = (year) => {
      const url = "/map/deployments.json" + (year ? "?year=" + encodeURIComponent(year) : "");
      return fetch(url, { headers: { Accept: "application/json" } }).then((r) => r.json()).then((d) => {
        layer.clearLayers();
        if (!select.options.length) {
          d.years.forEach((y) => { const o = document.createElement("option"); o.value = String(y); o.textContent = String(y); select.appendChild(o); });
        }
        if (d.year !== null) select.value = String(d.year);
        d.points.forEach((p) => {
          const m = L.circleMarker([p.lat, p.lon], { radius: 3 + Math.min(10, Math.sqrt(p.troops || 0) / 4), color: "#0b3d91", weight: 1, fillColor: "#4a90d9", fillOpacity: 0.8 });
          const box = document.createElement("div");
          const a = document.createElement("a");
          a.href = "/missions/" + encodeURIComponent(p.mission);
          a.textContent = p.mission;
          box.appendChild(a);
          box.appendChild(document.createTextNode(` · ${p.location} · ${p.troops === null ? cw.t("js.deploy.troops_unknown") : cw.t("js.deploy.troops", { n: p.troops })} (${p.year})`));
          m.bindPopup(box);
          layer.addLayer(m);
        });
        summary.textContent = `${cw.t("js.deploy.summary", { n: d.points.length, year: d.year === null ? "–" : String(d.year) })} ${d.troops_note}`;
        document.body.dataset.deployments = String(d.points.length);
        document.body.dataset.deploymentsYear = String(d.year);
      });
    };
    toggle.addEventListener("change", () => {
      select.disabled = !toggle.checked;
      if (toggle.checked) { map.addLayer(layer); load(select.value || null); } else { map.removeLayer(layer); }
    });
    select.addEventListener("change", () => load(select.value));
  });
})();
