#!/usr/bin/env bash
# Refresh the vendored front-end assets from npm (run by a developer, never at run time).
set -euo pipefail
V="$(cd "$(dirname "$0")/.." && pwd)/src/civwatch/web/static/vendor"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
cd "$T"
for p in leaflet@1.9.4 leaflet.markercluster@1.5.3 topojson-client@3.1.0 world-atlas@2.0.2 uplot@1.6.32 \
         swagger-ui-dist@5.35.0 redoc@2.5.2; do
  npm pack --silent "$p" >/dev/null
done
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
mkdir -p "$V"/{leaflet/images,leaflet.markercluster,topojson-client,world-atlas,uplot,swagger-ui,redoc}
cp leaflet-1.9.4/package/dist/{leaflet.js,leaflet.css} leaflet-1.9.4/package/LICENSE "$V/leaflet/"
cp leaflet-1.9.4/package/dist/images/* "$V/leaflet/images/"
cp leaflet.markercluster-1.5.3/package/dist/{leaflet.markercluster.js,MarkerCluster.css,MarkerCluster.Default.css} \
   leaflet.markercluster-1.5.3/package/MIT-LICENCE.txt "$V/leaflet.markercluster/"
cp topojson-client-3.1.0/package/dist/topojson-client.min.js topojson-client-3.1.0/package/LICENSE "$V/topojson-client/"
cp world-atlas-2.0.2/package/countries-110m.json world-atlas-2.0.2/package/LICENSE "$V/world-atlas/"
cp uplot-1.6.32/package/dist/{uPlot.iife.min.js,uPlot.min.css} uplot-1.6.32/package/LICENSE "$V/uplot/"
cp swagger-ui-dist-5.35.0/package/{swagger-ui-bundle.js,swagger-ui.css,LICENSE,NOTICE} "$V/swagger-ui/"
cp redoc-2.5.2/package/bundles/redoc.standalone.js redoc-2.5.2/package/LICENSE "$V/redoc/"
echo "vendored into $V"
