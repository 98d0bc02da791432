/* Public forms (tip-offs, social-force registration): pick one point on a map of the county, or use
   the phone's position; writes #lon/#lat and says what was picked in #picked. */
(function () {
  const map = L.map("pick-map").setView([28.2, 113.7], 9);
  map.getContainer().classList.add("yj-map-plain");
  fetch("/public/boundary.geojson").then(r => r.json()).then(g => {
    if (!g.geometry) return;
    const l = L.geoJSON(g, {style: {color: "#1677ff", weight: 1, fillOpacity: 0.05}}).addTo(map);
    map.fitBounds(l.getBounds(), {animate: false});
    map.getContainer().dataset.ready = "true";
  });
  let marker = null;
  function pick(lat, lon) {
    document.getElementById("lon").value = lon.toFixed(6);
    document.getElementById("lat").value = lat.toFixed(6);
    document.getElementById("picked").textContent = `已选：${lon.toFixed(5)}, ${lat.toFixed(5)}`;
    if (marker) marker.setLatLng([lat, lon]); else marker = L.marker([lat, lon]).addTo(map);
  }
  map.on("click", e => pick(e.latlng.lat, e.latlng.lng));
  const kept = [document.getElementById("lat").value, document.getElementById("lon").value].map(Number);
  if (kept[0] && kept[1]) pick(kept[0], kept[1]);  // a refused form comes back with its point
  document.getElementById("locate").addEventListener("click", () => navigator.geolocation && navigator.geolocation.getCurrentPosition(
    p => { pick(p.coords.latitude, p.coords.longitude); map.setView([p.coords.latitude, p.coords.longitude], 14); }));
})();
