/* Map pickers for form fields (core.widgets.MapPickWidget): the text field stays the source of
   truth, so typing by hand and picking on the map always agree. */
(function () {
  const KM_PER_DEGREE = 111.32;

  const baseMap = el => window.yingjiBaseMap(el);  // map.js: tiles from the setting, else a plain background

  function codesOf(input) {
    return input.value.replace(/，/g, ",").split(",").map(s => s.trim()).filter(Boolean);
  }

  async function regions(el, input) {
    const map = baseMap(el);
    const resp = await fetch(`/api/map/regions.geojson?level=${encodeURIComponent(el.dataset.level)}`, {credentials: "same-origin"});
    const data = await resp.json();
    const style = f => codesOf(input).includes(f.properties.code)
      ? {color: "#b02a37", weight: 2, fillColor: "#dc3545", fillOpacity: 0.45}
      : {color: "#3b4a5a", weight: 1, fillColor: "#9ecae1", fillOpacity: 0.25};
    // The picked regions by name under the map: the codes box says what is stored, this says what it means.
    const names = Object.fromEntries(data.features.map(f => [f.properties.code, f.properties.name]));
    const picked = window.yj.el("div", {class: "small mt-1", dataset: {picked: ""}});
    el.after(picked);
    const showPicked = () => {
      const codes = codesOf(input);
      picked.textContent = codes.length
        ? "已选：" + codes.map(c => names[c] || `未知区划 ${c}`).join("、")
        : "尚未选择：在地图上点击乡镇街道选中，再点一次取消";
    };
    const layer = L.geoJSON(data, {
      style,
      onEachFeature: (f, l) => {
        l.bindTooltip(() => window.yj.el("span", {}, `${f.properties.name}（${f.properties.code}）`), {sticky: true});
        l.on("click", () => {
          const codes = codesOf(input), code = f.properties.code, at = codes.indexOf(code);
          if (at >= 0) codes.splice(at, 1); else codes.push(code);
          input.value = codes.join(",");
          layer.setStyle(style);
          showPicked();
          el.dataset.selected = input.value;
        });
      },
    }).addTo(map);
    if (data.features.length) map.fitBounds(layer.getBounds(), {animate: false});
    input.addEventListener("input", () => { layer.setStyle(style); showPicked(); });
    showPicked();
    el.dataset.loaded = "true";
  }

  function circleRing(lon, lat, km) {
    const dlat = km / KM_PER_DEGREE, dlon = dlat / Math.cos(lat * Math.PI / 180), ring = [];
    for (let k = 0; k < 64; k++) ring.push([lat + dlat * Math.sin(2 * Math.PI * k / 64), lon + dlon * Math.cos(2 * Math.PI * k / 64)]);
    return ring;
  }

  function area(el, input) {
    const map = baseMap(el);
    const bar = document.createElement("div");
    bar.className = "d-flex flex-wrap gap-2 align-items-center mt-1 small";
    const {el: make} = window.yj;
    const button = (cls, data, label) => make("button", {type: "button", class: `btn ${cls}`, dataset: data}, label);
    bar.append(
      make("div", {class: "btn-group btn-group-sm", role: "group"},
           button("btn-outline-primary", {mode: "circle"}, "画圆"), button("btn-outline-primary", {mode: "polygon"}, "画多边形"),
           button("btn-outline-secondary", {act: "finish"}, "完成多边形"), button("btn-outline-secondary", {act: "clear"}, "清除")),
      make("label", {class: "d-flex align-items-center gap-1"}, "半径 ",
           make("input", {type: "number", min: "0.1", step: "0.1", value: "5", class: "form-control form-control-sm",
                          style: {width: "6em"}, dataset: {radius: ""}}), " 公里"),
      make("span", {class: "text-secondary", dataset: {hint: ""}}, "选择“画圆”后点击圆心，或选择“画多边形”后依次点击各顶点"));
    el.after(bar);
    const radius = bar.querySelector("[data-radius]"), hint = bar.querySelector("[data-hint]");
    let mode = null, shape = null, vertices = [];

    function draw() {
      if (shape) shape.remove();
      shape = null;
      let doc = null;
      try { doc = input.value.trim() ? JSON.parse(input.value) : null; } catch (e) { return; }
      if (!doc) return;
      if (doc.circle) shape = L.polygon(circleRing(+doc.circle[0], +doc.circle[1], +doc.circle[2]));
      else if (doc.type === "Polygon") shape = L.polygon(doc.coordinates[0].map(([x, y]) => [y, x]));
      if (shape) { shape.setStyle({color: "#b02a37"}).addTo(map); map.fitBounds(shape.getBounds(), {maxZoom: 12}); }
    }
    bar.addEventListener("click", ev => {
      const b = ev.target.closest("button");
      if (!b) return;
      if (b.dataset.mode) {
        mode = b.dataset.mode; vertices = [];
        hint.textContent = mode === "circle" ? "点击地图确定圆心" : "依次点击多边形顶点，完成后点“完成多边形”";
      } else if (b.dataset.act === "clear") {
        input.value = ""; vertices = []; draw();
      } else if (b.dataset.act === "finish" && vertices.length >= 3) {
        const ring = vertices.map(([la, lo]) => [+lo.toFixed(6), +la.toFixed(6)]);
        ring.push(ring[0]);
        input.value = JSON.stringify({type: "Polygon", coordinates: [ring]});
        vertices = []; mode = null; hint.textContent = "多边形已写入"; draw();
      }
    });
    map.on("click", ev => {
      const {lat, lng} = ev.latlng;
      if (mode === "circle") {
        input.value = JSON.stringify({circle: [+lng.toFixed(6), +lat.toFixed(6), +(+radius.value || 5)]});
        draw();
      } else if (mode === "polygon") {
        vertices.push([lat, lng]);
        if (shape) shape.remove();
        shape = L.polyline(vertices, {color: "#b02a37", dashArray: "4"}).addTo(map);
      }
    });
    radius.addEventListener("change", () => {
      try {
        const doc = JSON.parse(input.value);
        if (doc.circle) { doc.circle[2] = +radius.value; input.value = JSON.stringify(doc); draw(); }
      } catch (e) { /* not a circle */ }
    });
    input.addEventListener("change", draw);
    draw();
    el.dataset.loaded = "true";
  }

  document.querySelectorAll(".yj-pick-map").forEach(el => {
    const input = document.getElementById(el.dataset.for);
    if (!input || typeof L === "undefined") return;
    (el.dataset.pick === "regions" ? regions : area)(el, input);
  });
})();
