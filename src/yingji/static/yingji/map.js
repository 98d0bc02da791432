/* Leaflet map shell: region choropleth + point layers from /api/map/, optional base tiles.
   Works offline: without YINGJI_MAP_TILE_URL it shows the vector layers on a plain background. */
(function () {
  const {el, lines} = window.yj;
  const PALETTE = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

  function baseMap(container) {
    const map = L.map(container, {preferCanvas: true, attributionControl: true});
    const url = JSON.parse(document.getElementById("tile-url").textContent || '""');
    if (url) {
      L.tileLayer(url, {maxZoom: 18, attribution: JSON.parse(document.getElementById("tile-attribution").textContent || '""')}).addTo(map);
    } else {
      map.getContainer().classList.add("yj-map-plain");
    }
    map.setView([28.2, 113.7], 9);
    return map;
  }

  function breaks(values) {
    const v = values.filter(x => x !== null && x !== undefined).sort((a, b) => a - b);
    if (!v.length) return [];
    const out = [];
    for (let i = 1; i < PALETTE.length; i++) out.push(v[Math.floor(i * v.length / PALETTE.length)] ?? v[v.length - 1]);
    return [...new Set(out)].filter(x => x > v[0]);  // quantile breaks, without repeats
  }

  function colour(value, cuts) {
    if (value === null || value === undefined) return "#dddddd";
    let i = 0;
    while (i < cuts.length && value >= cuts[i]) i++;
    return PALETTE[Math.min(i, PALETTE.length - 1)];
  }

  function fmt(n) { return n === null || n === undefined ? "无数据" : Number(n).toLocaleString("zh-CN"); }

  const CHILD = {county: "township", township: "village"};

  window.yingjiBaseMap = baseMap;  // shared with the form map pickers (pick.js)

  window.yingjiSituationMap = function (id, options) {
    const map = baseMap(id);
    let regionLayer = null, pointLayer = null, legend = null, trail = null;
    const stack = [];  // drill-down path: [{code, name, level}]
    async function reload(opts) {
      options = Object.assign(options, opts || {});
      map.getContainer().dataset.loaded = "false";
      const parent = stack.length ? `&parent=${stack[stack.length - 1].code}` : "";
      const resp = await fetch(`/api/map/regions.geojson?level=${encodeURIComponent(options.level)}${parent}`, {credentials: "same-origin"});
      const data = await resp.json();
      const label = data.attributes[options.attribute];
      const cats = (data.categories || {})[options.attribute];  // categorical: fixed colours per value
      const cuts = cats ? [] : breaks(data.features.map(f => f.properties[options.attribute]));
      const fill = v => cats ? (cats[v] ? cats[v][1] : "#dddddd") : colour(v, cuts);
      const show = v => cats ? (cats[v] ? cats[v][0] : "无风险点") : fmt(v);
      if (regionLayer) regionLayer.remove();
      regionLayer = L.geoJSON(data, {
        style: f => ({color: "#3b4a5a", weight: 1, fillOpacity: 0.7, fillColor: fill(f.properties[options.attribute])}),
        onEachFeature: (f, layer) => {
          const p = f.properties;
          layer.bindTooltip(() => el("div", {}, lines([p.name, `${label}：${show(p[options.attribute])}`])), {sticky: true});
          layer.bindPopup(() => el("div", {}, lines([
            [el("strong", {}, p.name), `（${p.code}）`],
            `常住人口：${fmt(p.population)} 人`, `单位：${fmt(p.organizations)} 家`,
            `${label}：${show(p[options.attribute])}`,
            [el("a", {href: p.url}, "查看区划"),
             CHILD[options.level] ? [" · ", el("a", {href: "#", dataset: {drill: p.code, name: p.name}}, "查看下级")] : null],
          ]), p.note ? el("div", {class: "small text-muted"}, p.note) : null));
        }
      }).addTo(map);
      if (data.features.length) map.fitBounds(regionLayer.getBounds(), {padding: [10, 10]});
      if (legend) legend.remove();
      legend = L.control({position: "bottomright"});
      legend.onAdd = () => {
        const swatch = c => el("i", {style: {background: c}});
        const lows = [null, ...cuts];
        const rows = cats ? [...Object.values(cats).map(([l, c]) => [swatch(c), l]), [swatch("#dddddd"), "无风险点"]]
          : cuts.length ? PALETTE.slice(0, lows.length).map((c, i) => [swatch(c), i === 0 ? "< " + fmt(cuts[0]) : "≥ " + fmt(lows[i])])
          : [[swatch(PALETTE[0]), data.features.length ? fmt(data.features[0].properties[options.attribute]) : "无数据"]];
        return el("div", {class: "yj-legend"}, lines([el("strong", {}, label), ...rows]));
      };
      legend.addTo(map);
      if (pointLayer) { pointLayer.remove(); pointLayer = null; }
      // Point layers: the page's chosen registries (each with its filter), or the one default layer.
      const wanted = options.layers || (options.points ? [{slug: options.pointLayer || "organizations", query: ""}] : []);
      if (wanted.length) {
        pointLayer = L.featureGroup().addTo(map);
        const counts = {};
        await Promise.all(wanted.map(async spec => {
          const params = [spec.query, stack.length ? `region=${stack[stack.length - 1].code}` : ""].filter(Boolean).join("&");
          const pts = await (await fetch(`/api/map/${spec.slug}.geojson${params ? "?" + params : ""}`, {credentials: "same-origin"})).json();
          counts[spec.slug] = pts.features.length;
          L.geoJSON(pts, {
            pointToLayer: (f, latlng) => L.circleMarker(latlng, {radius: 4, color: "#0b3a6e", weight: 1,
              fillColor: f.properties.colour || spec.colour || "#ff7d00", fillOpacity: 0.9}),
            onEachFeature: (f, layer) => layer.bindPopup(() => el("div", {}, lines([
              el("strong", {}, f.properties.name),
              ...Object.entries(f.properties).filter(([k]) => !["id", "name", "url", "colour"].includes(k)).map(([k, v]) => `${k}：${v ?? ""}`),
              el("a", {href: f.properties.url}, "查看详情")])))
          }).addTo(pointLayer);
        }));
        map.getContainer().dataset.layerCounts = JSON.stringify(counts);
      }
      if (trail) trail.remove();
      if (stack.length) {
        trail = L.control({position: "topright"});
        trail.onAdd = () => el("div", {class: "yj-legend"}, stack.map(s => s.name).join(" › "), " ",
          el("a", {href: "#", dataset: {drillUp: "1"}}, "返回上级"));
        trail.addTo(map);
      } else trail = null;
      const box = map.getContainer();
      box.dataset.regions = data.features.length;
      box.dataset.points = pointLayer ? pointLayer.getLayers().reduce((n, group) => n + group.getLayers().length, 0) : 0;
      box.dataset.loaded = "true";
    }
    map.getContainer().addEventListener("click", e => {  // drill down from a popup, or back up
      const down = e.target.closest("[data-drill]"), up = e.target.closest("[data-drill-up]");
      if (!down && !up) return;
      e.preventDefault();
      map.closePopup();
      if (down) {
        stack.push({code: down.dataset.drill, name: down.dataset.name, level: options.level});
        reload({level: CHILD[options.level]});
      } else {
        const back = stack.pop();
        reload({level: back.level});
      }
    });
    reload();
    const handle = {map, reload};
    (window.yingjiMaps = window.yingjiMaps || {})[id] = handle;
    return handle;
  };

  window.yingjiRecordMap = function (id, geometry, points) {
    const box = document.getElementById(id);
    const map = baseMap(box);
    const parts = (points || []).map(p => L.circleMarker([p.lat, p.lon], {radius: 6, color: "#0b3a6e", weight: 1,
      fillColor: p.colour, fillOpacity: 0.9}).bindPopup(() => el("a", {href: p.url}, p.label)).addTo(map));
    box.dataset.points = parts.length;
    if (geometry) {
      const layer = L.geoJSON(geometry, {style: {color: "#1677ff", weight: 2, fillOpacity: 0.15}}).addTo(map);
      map.fitBounds(layer.getBounds());
    }
    if (box.dataset.point) {
      const [lon, lat] = box.dataset.point.split(",").map(Number);
      L.circleMarker([lat, lon], {radius: 9, color: "#0b3a6e", weight: 3, fillColor: "#ffffff", fillOpacity: 1})
        .bindTooltip("本记录位置").addTo(map);  // not a level colour: those belong to the parts
      if (!geometry) map.setView([lat, lon], 14);
    }
    if (parts.length && !geometry) {
      const group = L.featureGroup(parts);
      if (box.dataset.point) group.addLayer(L.marker([Number(box.dataset.point.split(",")[1]), Number(box.dataset.point.split(",")[0])]));
      map.fitBounds(group.getBounds().pad(0.3), {maxZoom: 17});
    }
  };
})();
