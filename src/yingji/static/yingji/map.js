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

  // What a layer request names of the view (decision 0014): the server answers only what is in it,
  // and at low zoom clusters instead of points.
  function viewQuery(map) {
    const b = map.getBounds(), f = x => x.toFixed(5);
    return `west=${f(Math.max(b.getWest(), -180))}&south=${f(Math.max(b.getSouth(), -90))}` +
      `&east=${f(Math.min(b.getEast(), 180))}&north=${f(Math.min(b.getNorth(), 90))}&zoom=${map.getZoom()}`;
  }

  // A cluster: a circle with its count, in its most severe record's colour; a click zooms to its records.
  function clusterMarker(map, f, fallback, fixed) {
    const p = f.properties, [lon, lat] = f.geometry.coordinates;
    const size = Math.round(24 + 8 * Math.min(4, Math.log10(p.count)));
    const icon = L.divIcon({className: "", iconSize: [size, size],
      html: el("div", {class: "yj-cluster", style: {background: fixed ? fallback : p.colour || fallback, width: size + "px", height: size + "px"}},
               String(p.count))});
    const marker = L.marker([lat, lon], {icon, title: `${p.count} 条，点击放大`});
    marker.on("click", () => {
      const [w, s, e, n] = p.bbox;
      if (w === e && s === n) map.setView([lat, lon], Math.min(map.getZoom() + 3, 18));
      else map.fitBounds([[s, w], [n, e]], {padding: [20, 20], maxZoom: 18});
    });
    return marker;
  }

  // A point's popup: its name at once, its list fields fetched when it is opened (a layer sends only
  // what draws the point). Layers whose features already carry more (四色图's enterprises) show those.
  const OWN = ["id", "name", "url", "colour"];
  function pointPopup(slug, f) {
    const p = f.properties;
    const extra = Object.keys(p).filter(k => !OWN.includes(k));
    const rows = entries => entries.map(([k, v]) => `${k}：${v ?? ""}`);
    const more = el("div", {}, lines(rows(extra.map(k => [k, p[k]]))));
    if (!extra.length) {
      more.append(el("span", {class: "text-muted small"}, "读取中…"));
      fetch(`/api/map/${encodeURIComponent(slug)}.geojson?id=${encodeURIComponent(p.id)}`, {credentials: "same-origin"})
        .then(r => r.json()).then(d => {
          const props = d.features && d.features[0] ? d.features[0].properties : {};
          more.replaceChildren(...lines(rows(Object.entries(props).filter(([k]) => !OWN.includes(k)))));
        }).catch(() => more.replaceChildren("读取失败"));
    }
    return el("div", {}, el("strong", {}, p.name), more, el("a", {href: p.url}, "查看详情"));
  }

  window.yingjiSituationMap = function (id, options) {
    const map = baseMap(id);
    const box = map.getContainer();
    let regionLayer = null, pointLayer = null, legend = null, trail = null, style = null;
    let generation = 0, quiet = false, timer = null;
    const stack = [];  // drill-down path: [{code, name, level}]
    box.dataset.fetches = "0";  // layer requests so far (the browser test watches them follow the view)
    const get = async url => {
      box.dataset.fetches = String(Number(box.dataset.fetches) + 1);
      return (await fetch(url, {credentials: "same-origin"})).json();
    };
    const regionsUrl = () => `/api/map/regions.geojson?level=${encodeURIComponent(options.level)}` +
      `&attribute=${encodeURIComponent(options.attribute)}` +
      (options.regionQuery ? `&${options.regionQuery}` : "") +  // a selection the attribute reads (an event, a period)
      (stack.length ? `&parent=${stack[stack.length - 1].code}` : "");

    function drawRegions(data) {
      if (regionLayer) regionLayer.remove();
      const {fill, show, label} = style;
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
      regionLayer.bringToBack();
      box.dataset.regions = data.features.length;
    }

    // Point layers: the page's chosen registries (each with its filter), or the one default layer.
    const wanted = () => options.layers || (options.points ? [{slug: options.pointLayer || "organizations", query: ""}] : []);

    async function refresh(gen) {
      // Regions and points for the view as it is now; an answer to an older view is dropped.
      const specs = wanted(), view = viewQuery(map);
      const [regions, ...layers] = await Promise.all([get(`${regionsUrl()}&${view}`), ...specs.map(spec => {
        const params = [spec.query, stack.length ? `region=${stack[stack.length - 1].code}` : "", view].filter(Boolean).join("&");
        return get(`/api/map/${spec.slug}.geojson?${params}`);
      })]);
      if (gen !== generation) return false;
      drawRegions(regions);
      if (pointLayer) { pointLayer.remove(); pointLayer = null; }
      const counts = {};
      let clusters = 0;
      const fills = new Set();  // the dots' colours, for the page's tests (the dots are drawn on a canvas)
      if (specs.length) {
        pointLayer = L.featureGroup().addTo(map);
        specs.forEach((spec, i) => {
          const pts = layers[i];
          counts[spec.slug] = (counts[spec.slug] || 0) + (pts.total ?? pts.features.length);  // a slug twice: two filters
          L.geoJSON(pts, {
            pointToLayer: (f, latlng) => {
              if (f.properties.cluster) { clusters += 1; return clusterMarker(map, f, spec.colour || "#ff7d00", spec.fixed); }
              // spec.fixed: one colour for the whole layer, as its legend says (the 大屏), not each record's level
              const fill = spec.fixed ? spec.colour : f.properties.colour || spec.colour || "#ff7d00";
              fills.add(fill);
              return L.circleMarker(latlng, {radius: options.pointRadius || 4, color: "#0b3a6e", weight: 1,
                fillColor: fill, fillOpacity: 0.9});
            },
            onEachFeature: (f, layer) => { if (!f.properties.cluster) layer.bindPopup(() => pointPopup(spec.slug, f)); }
          }).addTo(pointLayer);
        });
      }
      box.dataset.layerCounts = JSON.stringify(counts);
      box.dataset.points = Object.values(counts).reduce((a, b) => a + b, 0);
      box.dataset.clusters = clusters;
      box.dataset.pointColours = [...fills].sort().join(",");
      box.dataset.zoom = map.getZoom();
      return true;
    }

    async function reload(opts) {
      // The level, attribute, layers or drill-down changed: all the level's regions once (for the
      // colour scale and to fit the map to them), then what is in the fitted view.
      options = Object.assign(options, opts || {});
      const gen = ++generation;
      box.dataset.loaded = "false";
      const data = await get(`${regionsUrl()}&zoom=${map.getZoom()}`);
      if (gen !== generation) return;
      const label = data.attributes[options.attribute];
      const cats = (data.categories || {})[options.attribute];  // categorical: fixed colours per value
      const cuts = cats ? [] : breaks(data.features.map(f => f.properties[options.attribute]));
      style = {label, fill: v => cats ? (cats[v] ? cats[v][1] : "#dddddd") : colour(v, cuts),
               show: v => cats ? (cats[v] ? cats[v][0] : "无风险点") : fmt(v)};
      drawRegions(data);
      if (data.features.length) {
        quiet = true;  // this move is ours: the refresh below follows it
        map.fitBounds(regionLayer.getBounds(), {padding: [10, 10], animate: false});
        quiet = false;
      }
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
      if (trail) trail.remove();
      if (stack.length) {
        trail = L.control({position: "topright"});
        trail.onAdd = () => el("div", {class: "yj-legend"}, stack.map(s => s.name).join(" › "), " ",
          el("a", {href: "#", dataset: {drillUp: "1"}}, "返回上级"));
        trail.addTo(map);
      } else trail = null;
      if (await refresh(gen)) box.dataset.loaded = "true";
    }

    // Panning and zooming ask again for what is now in view, once the map has rested for 250 ms.
    map.on("moveend", () => {
      if (quiet || !style) return;
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const gen = ++generation;
        box.dataset.loaded = "false";
        if (await refresh(gen)) box.dataset.loaded = "true";
      }, 250);
    });
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

  // A record page's map: its own place or boundary, and its located parts — each layer
  // {slug, label, query} asked of the map-layer API (decision 0015), drawn as points or, past the
  // layer's cap, as clusters. The map rests on its boundary; a point record's map fits its parts.
  window.yingjiRecordMap = function (id, geometry, layers) {
    const box = document.getElementById(id);
    const map = baseMap(box);
    box.dataset.loaded = "false";
    let bounds = null, own = null;
    if (geometry) {
      const shape = L.geoJSON(geometry, {style: {color: "#1677ff", weight: 2, fillOpacity: 0.15}}).addTo(map);
      map.fitBounds(shape.getBounds(), {animate: false});
    }
    if (box.dataset.point) {
      const [lon, lat] = box.dataset.point.split(",").map(Number);
      own = L.circleMarker([lat, lon], {radius: 9, color: "#0b3a6e", weight: 3, fillColor: "#ffffff", fillOpacity: 1})
        .bindTooltip("本记录位置").addTo(map);  // not a level colour: those belong to the parts
      if (!geometry) map.setView([lat, lon], 14);
      bounds = L.latLngBounds([[lat, lon], [lat, lon]]);
    }
    // A boundary's parts are asked for the view it fills (clustered at its zoom); a point record's
    // wherever they are (up to the layer's cap as points).
    const view = geometry ? "&" + viewQuery(map) : "";
    (window.yingjiMaps = window.yingjiMaps || {})[id] = {map};
    const parts = L.featureGroup().addTo(map);
    let points = 0, clusters = 0;
    Promise.all((layers || []).map(spec =>
      fetch(`/api/map/${encodeURIComponent(spec.slug)}.geojson?${spec.query}${view}`, {credentials: "same-origin"})
        .then(r => r.json()).then(data => {
          const radius = data.features.length > 100 ? 4 : 6;  // many parts: smaller dots, as on 一张图
          L.geoJSON(data, {
            pointToLayer: (f, latlng) => {
              if (f.properties.cluster) { clusters += 1; return clusterMarker(map, f, "#ff7d00"); }
              points += 1;
              return L.circleMarker(latlng, {radius, color: "#0b3a6e", weight: 1,
                fillColor: f.properties.colour || "#ff7d00", fillOpacity: 0.9});
            },
            onEachFeature: (f, layer) => {
              if (!f.properties.cluster) layer.bindPopup(() => pointPopup(spec.slug, {...f, properties:
                {...f.properties, name: `${spec.label}：${f.properties.name}`}}));
            }
          }).addTo(parts);
        }))).finally(() => {
      if (own) own.bringToFront();  // the record itself stays visible above its parts
      box.dataset.points = points;
      box.dataset.clusters = clusters;
      if (points + clusters && !geometry) {
        const all = parts.getBounds();
        if (bounds) all.extend(bounds);
        // Not animated: the map is ready (data-loaded) only once it rests, so a dot is where it is drawn.
        map.fitBounds(all.pad(0.3), {maxZoom: 17, animate: false});
      }
      box.dataset.loaded = "true";
    });
  };
})();
