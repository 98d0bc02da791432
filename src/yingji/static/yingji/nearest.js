/* 就近资源: click a place → the soonest-arriving teams, warehouses and shelters with their routes. */
(function () {
  const {el, fill, lines} = window.yj;
  const COLOURS = {teams: "#d4380d", warehouses: "#1677ff", shelters: "#389e0d"};
  const OTHER_COLOURS = ["#722ed1", "#fa8c16", "#13c2c2", "#eb2f96"];  // kinds other apps contribute
  const LABELS = {};  // from the page's check boxes: the built-in kinds and the contributed ones
  document.querySelectorAll("[data-kind-toggle]").forEach((c, i) => {
    LABELS[c.value] = document.querySelector(`label[for="${c.id}"]`).textContent;
    if (!COLOURS[c.value]) COLOURS[c.value] = OTHER_COLOURS[i % OTHER_COLOURS.length];
  });
  const box = document.getElementById("nearest-map");
  const panel = document.getElementById("nearest-results");
  const map = window.yingjiBaseMap(box);
  const drawn = L.layerGroup().addTo(map);
  let place = null;

  fetch("/api/map/regions.geojson?level=township", {credentials: "same-origin"}).then(r => r.json()).then(data => {
    const layer = L.geoJSON(data, {style: {color: "#5b6b7b", weight: 1, fillOpacity: 0.04}, interactive: false}).addTo(map);
    if (data.features.length) map.fitBounds(layer.getBounds(), {animate: false});
    box.dataset.ready = "true";
  });


  async function query(latlng) {
    place = latlng;
    box.dataset.loaded = "false";
    const kinds = [...document.querySelectorAll("[data-kind-toggle]:checked")].map(c => c.value);
    const params = new URLSearchParams({lon: latlng.lng.toFixed(6), lat: latlng.lat.toFixed(6), kinds: kinds.join(","),
      n: document.getElementById("count").value, material: document.getElementById("material").value});
    const resp = await fetch(`/api/resources/nearest/?${params}`, {credentials: "same-origin"});
    const data = await resp.json();
    drawn.clearLayers();
    L.circleMarker(latlng, {radius: 9, color: "#000", weight: 3, fillColor: "#fadb14", fillOpacity: 1})
      .bindTooltip("事发地点").addTo(drawn);
    if (!resp.ok) { fill(panel, el("div", {class: "alert alert-danger"}, JSON.stringify(data))); return; }
    const parts = [el("p", {class: "mb-2"}, el("strong", {}, data.place.region), `（${latlng.lng.toFixed(5)}, ${latlng.lat.toFixed(5)}）`,
                      el("br"), el("span", {class: "text-muted"}, data.network.label))];
    let routes = 0;
    for (const kind of kinds) {
      const rows = data.results[kind] || [];
      parts.push(el("h2", {class: "h6 mt-2", style: {color: COLOURS[kind]}}, LABELS[kind]));
      if (!rows.length) parts.push(el("p", {class: "text-muted"}, `范围内没有可用的${LABELS[kind]}`));
      parts.push(el("ol", {class: "ps-3 mb-1"}, rows.map((r, i) => {
        const straight = r.method === "straight_line";
        const line = L.polyline(r.line.map(([x, y]) => [y, x]), {color: COLOURS[kind], weight: i === 0 ? 5 : 3,
          opacity: i === 0 ? 0.9 : 0.55, dashArray: straight ? "6 6" : null}).addTo(drawn);
        line.bindTooltip(() => el("span", {}, `${r.name}：${r.minutes} 分钟`));
        routes += 1;
        L.circleMarker([r.lat, r.lon], {radius: 6, color: "#fff", weight: 1, fillColor: COLOURS[kind], fillOpacity: 1})
          .bindPopup(() => el("div", {}, lines([el("strong", {}, r.name), r.detail, el("a", {href: r.url}, "查看详情")]))).addTo(drawn);
        return el("li", {dataset: {kind, minutes: r.minutes, method: r.method}}, el("a", {href: r.url}, r.name), " ",
          el("strong", {}, `${r.minutes} 分钟`), ` · ${r.km} km`,
          straight ? [" ", el("span", {class: "badge text-bg-warning"}, "直线估算")] : null,
          el("br"), el("span", {class: "text-muted"}, r.detail, r.phone ? " · ☎ " + r.phone : null));
      })));
    }
    fill(panel, parts);
    box.dataset.routes = routes;
    box.dataset.loaded = "true";
  }

  map.on("click", e => query(e.latlng));
  (window.yingjiMaps = window.yingjiMaps || {})["nearest-map"] = {map};
  document.querySelectorAll("[data-kind-toggle], #material, #count").forEach(c =>
    c.addEventListener("change", () => place && query(place)));
})();
