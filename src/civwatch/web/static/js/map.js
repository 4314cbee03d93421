/* Map page: countries shaded by civilian deaths, incidents as clustered points. */
(function () {
  "use strict";
  const cw = window.civwatch;
  const d = cw.data("page-data");
  const params = new URLSearchParams(window.location.search);
  cw.worldMap(document.getElementById("map"), d.countries, {
    atlas: d.atlas,
    legend: document.getElementById("legend"),
    fit: params.has("country"),
    countryLink: (iso3) => "/countries/" + iso3,
  }).then((map) => {
    const cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
    const markers = d.points.map((p) => {
      const m = L.circleMarker([p.lat, p.lon], {
        radius: 4 + Math.min(10, Math.sqrt(p.deaths || 0)), color: "#13263b", weight: 1,
        fillColor: "#a50f15", fillOpacity: 0.75,
      });
      // popup built from text nodes: place names come from source text
      const box = document.createElement("div");
      const a = document.createElement("a");
      a.href = "/incidents/" + p.id;
      a.textContent = `${p.date} · ${p.place || p.country}`;
      box.appendChild(a);
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(cw.t("js.map.popup_deaths", { n: p.deaths })));
      m.bindPopup(box);
      return m;
    });
    cluster.addLayers(markers);
    map.addLayer(cluster);
    if (!params.has("country") && markers.length) {
      const b = cluster.getBounds();
      if (b.isValid()) map.fitBounds(b, { maxZoom: 6, padding: [20, 20] });
    }
    document.dispatchEvent(new CustomEvent("civwatch:map", { detail: map }));  // further layers (deployments)
    document.body.dataset.ready = "1";
  });
})();
