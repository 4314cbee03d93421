/* Country profile: trend chart and the country on the map. */
(function () {
  "use strict";
  const cw = window.civwatch;
  const d = cw.data("page-data");
  if (d.trend.length) {
    cw.chart(document.getElementById("trend"), d.trend.map((r) => r.year), [
      { label: cw.t("js.chart.civilian_deaths"), values: d.trend.map((r) => r.value), fill: "rgba(165,15,21,0.15)" },
    ], { bars: true });
  }
  cw.worldMap(document.getElementById("map"), d.countries, { atlas: d.atlas, fit: true })
    .then(() => { document.body.dataset.ready = "1"; });
})();
