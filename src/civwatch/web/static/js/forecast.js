/* Fan chart: the recent record, then the forecast median with its 5-95 % and 25-75 % bounds. */
(function () {
  "use strict";
  const cw = window.civwatch;
  const d = cw.data("page-data");
  const months = d.history.map((r) => r.month).concat(d.forecasts.map((f) => f.target));
  const n = d.history.length;
  const pad = (vals, before) => (before ? vals.concat(new Array(months.length - vals.length).fill(null)) : new Array(n).fill(null).concat(vals));
  const q = (k) => pad(d.forecasts.map((f) => (f.quantiles ? f.quantiles[k] : null)), false);
  const xs = months.map((_, i) => i);
  cw.chart(document.getElementById("fan"), xs, [
    { label: cw.t("js.forecast.recorded"), values: pad(d.history.map((r) => r.deaths), true), colour: "#333" },
    { label: cw.t("js.forecast.median"), values: q("q50"), colour: "#a50f15" },
    { label: "95 %", values: q("q95"), colour: "#fc9272" },
    { label: "5 %", values: q("q05"), colour: "#fc9272" },
    { label: "75 %", values: q("q75"), colour: "#de2d26" },
    { label: "25 %", values: q("q25"), colour: "#de2d26" },
  ], { xLabels: months, xName: cw.t("js.forecast.month") });
  document.body.dataset.ready = "1";
})();
