/* 接报登记: click the place on the map; the point fills lon/lat (the server finds the village). */
(function () {
  const el = document.getElementById("intake-map");
  const map = window.yingjiBaseMap(el);
  window.yingjiMaps = window.yingjiMaps || {};
  window.yingjiMaps["intake-map"] = {map};
  const lon = document.getElementById("id_lon"), lat = document.getElementById("id_lat");
  let marker = null;
  function pick(y, x) {
    lon.value = x.toFixed(6); lat.value = y.toFixed(6);
    document.getElementById("picked").textContent = `已选事发地点：${x.toFixed(5)}, ${y.toFixed(5)}（保存时自动确定所在村社区）`;
    if (marker) marker.setLatLng([y, x]); else marker = L.marker([y, x]).addTo(map);
  }
  fetch("/api/map/regions.geojson?level=township", {credentials: "same-origin"}).then(r => r.json()).then(data => {
    const layer = L.geoJSON(data, {style: {color: "#5b6b7b", weight: 1, fillOpacity: 0.04}, interactive: false}).addTo(map);
    if (lon.value && lat.value) { pick(Number(lat.value), Number(lon.value)); map.setView([Number(lat.value), Number(lon.value)], 13, {animate: false}); }
    else if (data.features.length) map.fitBounds(layer.getBounds(), {animate: false});
    el.dataset.ready = "true";
  });
  map.on("click", e => pick(e.latlng.lat, e.latlng.lng));
})();
