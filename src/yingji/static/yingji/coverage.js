/* 覆盖分析: township outlines, the reachable area, the origins and the villages not covered (as text tooltips). */
(function () {
  const {el} = window.yj;
  const data = JSON.parse(document.getElementById("coverage-data").textContent);
  const box = document.getElementById("coverage-map");
  const map = window.yingjiBaseMap(box);
  const tip = text => () => el("span", {}, text);
  fetch("/api/map/regions.geojson?level=township", {credentials: "same-origin"}).then(r => r.json()).then(g => {
    const l = L.geoJSON(g, {style: {color: "#5b6b7b", weight: 1, fillOpacity: 0.03}, interactive: false}).addTo(map);
    if (g.features.length) map.fitBounds(l.getBounds(), {animate: false});
    if (data.area) L.geoJSON(data.area, {style: {color: "#1677ff", weight: 0, fillOpacity: 0.3}, interactive: false}).addTo(map);
    data.origins.forEach(o => L.circleMarker([o.lat, o.lon], {radius: 6, color: "#fff", weight: 1, fillColor: "#0b3a6e", fillOpacity: 1})
      .bindTooltip(tip(o.name + (o.lead_hours ? `（供货 ${o.lead_hours} 小时）` : ""))).addTo(map));
    data.gaps.forEach(g => L.circleMarker([g.lat, g.lon], {radius: 4, color: "#a8071a", weight: 1, fillColor: "#ff4d4f", fillOpacity: 0.9})
      .bindTooltip(tip(`${g.name}：${g.population} 人，${g.minutes === null ? "不可达" : g.minutes + " 分钟"}`)).addTo(map));
    box.dataset.loaded = "true";
  });
})();
