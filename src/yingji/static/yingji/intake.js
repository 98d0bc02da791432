/* 接报登记: click the place on the map; the point fills lon/lat (the server finds the village).
   Without a point, the township or village the address names fills 所在区划 as the officer types. */
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

  const address = document.getElementById("id_address"), region = document.getElementById("id_region");
  let filled = "", timer = null, areaMarker = null;
  async function fromAddress() {
    if (lon.value || !address.value.trim()) return;  // a point picked on the map decides
    const resp = await fetch(`/api/map/locate-address/?address=${encodeURIComponent(address.value)}`, {credentials: "same-origin"});
    const data = await resp.json();
    const note = document.getElementById("picked");
    if (!data.region) { note.textContent = `${data.error}；可在地图上点选`; return; }
    if (!region.value || region.value === filled) { region.value = data.region.code; filled = data.region.code; }
    note.textContent = `按地址识别为：${data.region.path_name}（${data.region.code}）；在地图上点选可精确定位`;
    if (data.region.lat != null) {
      map.setView([data.region.lat, data.region.lon], 13);
      if (areaMarker) areaMarker.setLatLng([data.region.lat, data.region.lon]);
      else areaMarker = L.circleMarker([data.region.lat, data.region.lon], {radius: 8, color: "#1677ff"}).addTo(map);
    }
  }
  address.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(fromAddress, 400); });
})();
