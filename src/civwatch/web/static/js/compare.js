/* Party comparison: one bar per party category, the same measure for each. */
(function () {
  "use strict";
  const cw = window.civwatch;
  const rows = cw.data("page-data") || [];
  const SHORT = {
    state_forces: "State", non_state_armed_group: "Non-state", private_military_security: "PMSC",
    peacekeepers: "Peacekeepers", civilians: "Civilians", unknown: "Unknown",
  };
  const labels = rows.map((r) => SHORT[r.party_category] || String(r.party_category).replace(/_/g, " "));
  cw.chart(document.getElementById("chart"), rows.map((r, i) => i), [
    { label: "civilian deaths per incident", values: rows.map((r) => r.civilian_deaths_per_incident), colour: "#0b5cad", fill: "rgba(11,92,173,0.25)" },
  ], { bars: true, xLabels: labels, xName: "party category" });
  document.body.dataset.ready = "1";
})();
