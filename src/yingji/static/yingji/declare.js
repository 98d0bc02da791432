/* The public declaration form (网上申报): the phone's position is asked for at once (as the on-site
   evidence page does) and on the button; a point may also be picked on the county's map. Writes
   #lon/#lat/#accuracy_m and says what was found in #picked. */
(function () {
  const map = L.map("pick-map").setView([28.2, 113.7], 9);
  map.getContainer().classList.add("yj-map-plain");
  fetch("/public/boundary.geojson").then(r => r.json()).then(g => {
    if (!g.geometry) return;
    const l = L.geoJSON(g, {style: {color: "#1677ff", weight: 1, fillOpacity: 0.05}}).addTo(map);
    if (!marker) map.fitBounds(l.getBounds(), {animate: false});
    map.getContainer().dataset.ready = "true";
  });
  const status = document.getElementById("picked");
  let marker = null;
  function pick(lat, lon, accuracy) {
    document.getElementById("lon").value = lon.toFixed(6);
    document.getElementById("lat").value = lat.toFixed(6);
    document.getElementById("accuracy_m").value = accuracy == null ? "" : Math.round(accuracy);
    status.textContent = accuracy == null ? `已选：${lon.toFixed(5)}, ${lat.toFixed(5)}` :
      `已定位：${lon.toFixed(5)}, ${lat.toFixed(5)}（±${Math.round(accuracy)}米）`;
    if (marker) marker.setLatLng([lat, lon]); else marker = L.marker([lat, lon]).addTo(map);
  }
  map.on("click", e => pick(e.latlng.lat, e.latlng.lng, null));
  const kept = [document.getElementById("lat").value, document.getElementById("lon").value].map(Number);
  function locate() {
    if (!navigator.geolocation) { status.textContent = "此浏览器不提供定位，请在地图上点选位置"; return; }
    navigator.geolocation.getCurrentPosition(p => {
      pick(p.coords.latitude, p.coords.longitude, p.coords.accuracy);
      map.setView([p.coords.latitude, p.coords.longitude], 14);
    }, () => { status.textContent = "未能获取位置，请在地图上点选，或在上面写清地点"; },
    {enableHighAccuracy: true, timeout: 15000});
  }
  if (kept[0] && kept[1]) pick(kept[0], kept[1], null); else locate();  // a refused form comes back with its point
  document.getElementById("locate").addEventListener("click", locate);
})();
