/* Party comparison: one bar per party category, the same measure for each. */
(function () {
  "use strict";
  const cw = window.civwatch;
  const rows = cw.data("page-data") || [];
  const labels = rows.map((r) => {
    const short = cw.tValue("js.compare.short.", r.party_category);
    return short === String(r.party_category) ? short.replace(/_/g, " ") : short;
  });
  cw.chart(document.getElementById("chart"), rows.map((r, i) => i), [
    { label: cw.t("js.compare.series"), values: rows.map((r) => r.civilian_deaths_per_incident), colour: "#0b5cad", fill: "rgba(11,92,173,0.25)" },
  ], { bars: true, xLabels: labels, xName: cw.t("js.compare.x") });
  document.body.dataset.ready = "1";
})();
