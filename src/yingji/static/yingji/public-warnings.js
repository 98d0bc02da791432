/* 预警信息发布 (public, anonymous): the county outline and each active warning's area; popups as text. */
(async function () {
  const COLOURS = {red: "#d9001b", orange: "#fd7e14", yellow: "#f7ba1e", blue: "#1e6fd9"};
  const box = document.getElementById("warning-map");
  const map = L.map(box, {attributionControl: false});
  const county = await (await fetch(box.dataset.boundary)).json();
  const outline = L.geoJSON(county, {style: {color: "#555", weight: 1, fillOpacity: 0.03}}).addTo(map);
  map.fitBounds(outline.getBounds());
  const data = await (await fetch(box.dataset.warnings)).json();
  L.geoJSON(data, {style: (f) => ({color: COLOURS[f.properties.level], weight: 2, fillOpacity: 0.35}),
    onEachFeature: (f, layer) => layer.bindPopup(() => window.yj.el("div", {}, `${f.properties.level_label}预警：${f.properties.title}`))}).addTo(map);
  box.dataset.loaded = "true";
})();
