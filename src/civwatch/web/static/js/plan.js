/* Commitment page: each indicator's values beside the straight path from baseline to target (uPlot). */
(function () {
  "use strict";
  const cw = window.civwatch;
  const d = cw.data("page-data");
  let drawn = 0;
  d.series.forEach(function (series, i) {
    const el = document.getElementById("chart-" + i);
    const xs = series.map(function (_, k) { return k; });
    const labels = series.map(function (p) { return p.date; });
    const plot = cw.chart(el, xs, [
      { label: cw.t("js.plan.value"), values: series.map(function (p) { return p.value; }), colour: "#1f4e79" },
      { label: cw.t("js.plan.path"), values: series.map(function (p) { return p.path; }), colour: "#b0b0b0" },
    ], { xLabels: labels, xName: cw.t("js.plan.date"), height: 220 });
    if (plot) drawn += 1;
  });
  document.body.setAttribute("data-charts", String(drawn));
  document.body.setAttribute("data-ready", "1");
})();
