/* 态势图: the incident, what is around it and what can reach it; redrawn every 30 seconds.
   Every name and title reaches the page as text (yj.el), never as HTML. */
(function () {
  const {el, fill} = window.yj;
  const box = document.getElementById("situation-map");
  const panel = document.getElementById("situation-panel");
  const status = document.getElementById("situation-status");
  const map = window.yingjiBaseMap(box);
  window.yingjiMaps = window.yingjiMaps || {};
  window.yingjiMaps["situation-map"] = {map};
  const drawn = L.layerGroup().addTo(map);
  const tip = text => () => el("span", {}, text);  // a tooltip that shows text, built when it opens
  const LAYERS = [
    ["risk_points", "风险点", "#fa8c16", r => `${r.name}（${r.level_label || "未评估"}）`],
    ["hazard_sources", "重大危险源", "#a8071a", r => `${r.name}（${r.grade || "未分级"}）`],
    ["vulnerable_targets", "脆弱性目标", "#722ed1", r => `${r.name}${r.people ? "，" + r.people + " 人" : ""}`],
    ["alarms", "未消警报警", "#f5222d", r => `${r.name}（${r.level} 级）`],
    ["shelters", "避难场所", "#389e0d", r => `${r.name}：${r.detail}，${r.minutes} 分钟`],
    ["teams", "救援队伍", "#d4380d", r => `${r.name}：${r.minutes} 分钟（${r.km} km）`],
    ["warehouses", "储备库", "#1677ff", r => `${r.name}：${r.minutes} 分钟（${r.km} km）`],
  ];
  // Dispatched teams by status: en route (at base, with the expected arrival), on scene, withdrawn.
  const DISPATCH_COLOUR = {en_route: "#fa8c16", on_scene: "#d9001b", withdrawn: "#8c8c8c"};
  const NEXT = {en_route: [["arrive", "到达"], ["withdraw", "撤回"]], on_scene: [["withdraw", "撤离"]], withdrawn: []};
  // Times in China time whatever the browser's zone (the server renders Asia/Shanghai too).
  const CHINA = {timeZone: "Asia/Shanghai", hour12: false};
  const hhmm = iso => iso ? new Date(iso).toLocaleTimeString("zh-CN", {...CHINA, hour: "2-digit", minute: "2-digit"}) : "";
  const heading = (text, colour, layer) => el("h2", {class: "h6 mt-2 mb-1", style: colour ? {color: colour} : null,
                                                     dataset: layer ? {layer} : null}, text);

  function dispatchedPanel(rows) {
    const list = el("ul", {class: "ps-3 mb-1"});
    rows.forEach(r => {
      const colour = DISPATCH_COLOUR[r.state];
      const when = r.state === "en_route"
        ? (r.expected_at ? `，预计 ${hhmm(r.expected_at)} 到达` : "") + (r.late ? "（已超过预计时间）" : "")
        : r.state === "on_scene" ? `，${hhmm(r.arrived_at)} 到达` : "";
      const text = `${r.name}（${r.members} 人）：${r.state_label}${when}`;
      if (r.state !== "withdrawn" && r.lat != null) {
        L.circleMarker([r.lat, r.lon], {radius: 8, color: "#000", weight: 2, fillColor: colour, fillOpacity: 0.9})
          .bindTooltip(tip(text)).addTo(drawn);
      }
      const buttons = box.dataset.dispatch ? NEXT[r.state].map(([name, label]) => [" ",
        el("button", {class: "btn btn-sm btn-outline-secondary py-0", dataset: {sent: r.id, step: name}}, label)]) : [];
      list.append(el("li", {class: r.late ? "text-danger" : r.state === "withdrawn" ? "text-muted" : null,
                            dataset: {dispatchState: r.state}}, text, buttons));
    });
    return [heading(`已调派队伍（${rows.length}）`, "#d9001b", "dispatched"), list];
  }

  const csrf = () => (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  let first = true;
  async function load() {
    const resp = await fetch(`${box.dataset.api}?radius_km=${document.getElementById("radius").value}`, {credentials: "same-origin"});
    const data = await resp.json();
    if (!resp.ok) { status.textContent = JSON.stringify(data); return; }
    drawn.clearLayers();
    const inc = data.incident;
    if (inc.area) {  // the drawn affected area, and the reach around it the lists below cover
      L.geoJSON(inc.reach, {style: {color: "#d9001b", weight: 1, dashArray: "4", fillOpacity: 0.03}, interactive: false}).addTo(drawn);
      L.geoJSON(inc.area, {style: {color: "#d9001b", weight: 2, fillColor: "#ff4d4f", fillOpacity: 0.2}})
        .bindTooltip(tip("影响范围")).addTo(drawn);
    } else {
      L.circle([inc.lat, inc.lon], {radius: inc.radius_km * 1000, color: "#d9001b", weight: 1, fillOpacity: 0.04, interactive: false}).addTo(drawn);
    }
    L.circleMarker([inc.lat, inc.lon], {radius: 10, color: "#000", weight: 3, fillColor: "#fadb14", fillOpacity: 1})
      .bindTooltip(tip(inc.title)).addTo(drawn);
    const parts = [
      el("p", {class: "mb-1"}, el("strong", {}, inc.grade), ` · ${inc.state}${inc.located ? "" : "（未定位，按所在区划中心）"}`),
      el("p", {class: "mb-1 text-muted", dataset: {testid: "reach"}},
         inc.area ? `影响范围内及其外 ${inc.radius_km} 公里` : `事发点周边 ${inc.radius_km} 公里（未标绘影响范围）`,
         box.dataset.edit ? [" · ", el("a", {href: box.dataset.edit}, "标绘影响范围")] : null),
    ];
    if (data.warnings.length) parts.push(el("div", {class: "alert alert-warning py-1 mb-2"}, "生效预警：" + data.warnings.map(w => w.title).join("；")));
    for (const [key, label, colour, text] of LAYERS) {
      const rows = data[key] || [];
      const list = el("ul", {class: "ps-3 mb-1"});
      rows.slice(0, 8).forEach(r => {
        const send = key === "teams" && box.dataset.dispatch
          ? [" ", el("button", {class: "btn btn-sm btn-outline-danger py-0", dataset: {team: r.id, minutes: r.minutes}}, "派出")] : null;
        L.circleMarker([r.lat, r.lon], {radius: 6, color: colour, fillColor: colour, fillOpacity: 0.8}).bindTooltip(tip(text(r))).addTo(drawn);
        if (r.line && r.method === "road") L.polyline(r.line.map(([x, y]) => [y, x]), {color: colour, weight: 2, opacity: 0.6}).addTo(drawn);
        list.append(el("li", {}, text(r), r.km !== undefined && r.minutes === undefined ? `，${r.km} km` : null, send));
      });
      parts.push(heading(`${label}（${rows.length}）`, colour, key), list);
    }
    parts.push(...dispatchedPanel(data.dispatched || []));
    parts.push(heading(`处置任务（${data.tasks.length}）`), el("ul", {class: "ps-3 mb-1"}, data.tasks.map(t =>
      el("li", {class: t.overdue ? "text-danger" : null}, `${t.responsible}：${t.title} — ${t.state_label}`))));
    if (data.transfer_orders.length) parts.push(heading("调拨单"), el("ul", {class: "ps-3"}, data.transfer_orders.map(o =>
      el("li", {}, `${o.number} → ${o.destination}：${o.state}`))));
    fill(panel, parts);
    status.textContent = `${data.network.label} · 更新于 ${new Date(data.generated_at).toLocaleTimeString("zh-CN", CHINA)}，每 30 秒自动刷新`;
    if (first) {
      if (inc.reach) map.fitBounds(L.geoJSON(inc.reach).getBounds(), {animate: false});
      else map.setView([inc.lat, inc.lon], 13, {animate: false});
      first = false;
    }
    box.dataset.ready = "true";
  }
  document.getElementById("radius").addEventListener("change", load);
  panel.addEventListener("click", async e => {
    const b = e.target.closest("[data-team], [data-sent]");
    if (!b) return;
    b.disabled = true;
    let resp;
    if (b.dataset.team) {
      resp = await fetch(box.dataset.dispatch, {method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrf()},
        body: new URLSearchParams({team: b.dataset.team, minutes: b.dataset.minutes})});
    } else {  // the dispatch's declared workflow, through the generic transitions API
      resp = await fetch(`/api/team-dispatches/${b.dataset.sent}/transitions/`, {method: "POST", credentials: "same-origin",
        headers: {"X-CSRFToken": csrf(), "Content-Type": "application/json"}, body: JSON.stringify({name: b.dataset.step})});
    }
    const data = await resp.json();
    // Errors as the API answers them: {detail} (403/404/409) or field → messages (400).
    const refusal = () => data.detail || Object.values(data).flat().join("；");
    status.textContent = resp.ok ? (data.text ? `已${data.text}` : `已更新：${data.state_label}`) : refusal();
    if (resp.ok) load(); else b.disabled = false;
  });
  load(); setInterval(load, 30000);
})();
