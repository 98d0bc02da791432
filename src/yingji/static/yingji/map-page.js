/* 一张图 and 四色图 (map.html): the level, attribute and layer controls redraw the map (map.js). */
(function () {
  const controls = ["map-level", "map-attribute", "map-points"].map(id => document.getElementById(id)).filter(Boolean);
  // Layers: each checked registry with its filter as a query string (the point API takes the list filters),
  // plus the page's own query string (/map/?tag=… from the 标签魔方: the apps' list filters apply to every layer).
  const page = window.location.search.replace(/^\?/, "");
  const layers = () => [...document.querySelectorAll("[data-layer]:checked")].map(box => {
    const filter = document.querySelector(`[data-layer-filter="${CSS.escape(box.dataset.layer)}"]`);
    const own = filter && filter.value ? `${filter.dataset.field}=${encodeURIComponent(filter.value)}` : "";
    return {slug: box.dataset.layer, colour: box.dataset.colour, query: [own, page].filter(Boolean).join("&")};
  });
  const state = () => ({level: controls[0].value, attribute: controls[1].value,
    points: controls[2] ? controls[2].checked : true, layers: controls[2] ? null : layers()});
  const map = window.yingjiSituationMap("situation-map", Object.assign(state(),
    {pointLayer: JSON.parse(document.getElementById("point-layer").textContent)}));
  controls.forEach(c => c.addEventListener("change", () => map.reload(state())));
  document.querySelectorAll("[data-layer], [data-layer-filter]").forEach(c => c.addEventListener("change", () => map.reload(state())));
})();
