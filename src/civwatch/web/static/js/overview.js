/* Overview: trend chart and country map from the page's own JSON block. */
(function () {
  "use strict";
  const cw = window.civwatch;
  const d = cw.data("page-data");
  if (!d || !d.trend.length) { document.body.dataset.ready = "1"; return; }
  cw.chart(document.getElementById("trend"), d.trend.map((r) => r.year), [
    { label: cw.t("js.chart.civilian_deaths"), values: d.trend.map((r) => r.value), fill: "rgba(165,15,21,0.15)" },
  ], { bars: true });
  const params = new URLSearchParams(window.location.search);
  cw.worldMap(document.getElementById("map"), d.countries, {
    atlas: d.atlas,
    legend: document.getElementById("legend"),
    fit: params.has("country"),
    countryLink: (iso3) => "/countries/" + iso3,
  }).then(() => { document.body.dataset.ready = "1"; });
})();
