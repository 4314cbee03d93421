/* Mission page: deployed locations by year on a map with a year slider, troops over time. */
(function () {
  "use strict";
  const cw = window.civwatch;
  const d = cw.data("page-data");
  const years = Array.from(new Set(d.deployments.map((p) => p.year))).sort((a, b) => a - b);
  const slider = document.getElementById("year-slider");
  const label = document.getElementById("year-label");
  const troops = d.troops.filter((t) => t.troops !== null);
  cw.chart(document.getElementById("troops"), troops.map((t) => t.year), [{ label: cw.t("js.mission.troops"), values: troops.map((t) => t.troops) }], { bars: true });
  cw.worldMap(document.getElementById("map"), [], { atlas: d.atlas, center: [5, 20], zoom: 2 }).then((map) => {
    const layer = L.layerGroup().addTo(map);
    const show = (year) => {
      layer.clearLayers();
      label.textContent = String(year);
      const pts = d.deployments.filter((p) => p.year === year);
      pts.forEach((p) => {
        const m = L.circleMarker([p.lat, p.lon], {
          radius: 3 + Math.min(12, Math.sqrt(p.troops || 0) / 4), color: "#0b3d91", weight: 1, fillColor: "#4a90d9", fillOpacity: 0.75,
        });
        // a text node, never an HTML string: place names come from source text
        m.bindTooltip(document.createTextNode(`${p.location}: ${p.troops === null ? cw.t("js.deploy.troops_unknown") : cw.t("js.deploy.troops", { n: p.troops })}`));
        layer.addLayer(m);
      });
      if (pts.length) map.fitBounds(L.latLngBounds(pts.map((p) => [p.lat, p.lon])), { maxZoom: 7, padding: [20, 20] });
      document.body.dataset.year = String(year);
      document.body.dataset.points = String(pts.length);
    };
    if (years.length) {
      slider.max = String(years.length - 1);
      slider.value = String(years.length - 1);
      slider.addEventListener("input", () => show(years[Number(slider.value)]));
      show(years[years.length - 1]);
    } else {
      slider.disabled = true;
      label.textContent = cw.t("js.mission.none");
    }
    document.body.dataset.ready = "1";
  });
})();
