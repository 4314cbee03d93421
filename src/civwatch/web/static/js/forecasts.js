/* Early warning: shade countries by the probability of at least one civilian death. */
(function () {
  "use strict";
  const cw = window.civwatch;
  const d = cw.data("page-data");
  const el = document.getElementById("map");
  if (!el || !d) { document.body.dataset.ready = "1"; return; }
  const countries = d.units.filter((u) => u.p_at_least_1 !== null).map((u) => ({
    country: u.country, iso_numeric: u.iso_numeric, value: Math.round(u.p_at_least_1 * 100),
  }));
  cw.worldMap(el, countries, {
    atlas: d.atlas,
    legend: document.getElementById("legend"),
    fit: true,
    countryLink: (iso3) => "/forecasts/" + iso3,
    tooltip: (name, c) => (c ? cw.t("js.forecasts.tooltip", { name: name, p: c.value }) : cw.t("js.forecasts.none", { name: name })),
  }).then(() => { document.body.dataset.ready = "1"; });
})();
