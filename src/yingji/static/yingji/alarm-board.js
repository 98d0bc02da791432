/* 报警值守台 (monitoring/live.html): rows appear, change and go as live alarms arrive (live.js), as text. */
(function () {
  const {el} = window.yj;
  const rows = document.getElementById("alarm-rows");
  const state = document.getElementById("live-state");
  const src = window.yingjiLive;
  const connected = () => { state.textContent = "实时连接正常"; state.className = "text-success fs-6"; };
  if (src) {
    src.addEventListener("open", connected);
    src.addEventListener("error", () => { state.textContent = "实时连接中断，自动重连中…"; state.className = "text-danger fs-6"; });
    if (src.readyState === EventSource.OPEN) connected();  // it may have opened while this file was loading
  }
  const cell = (text) => { const td = document.createElement("td"); td.textContent = text; return td; };
  const fmt = new Intl.DateTimeFormat("zh-CN", {timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false});
  const time = (iso) => { const p = Object.fromEntries(fmt.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
    return `${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`; };  // China time, as the server renders it
  // 全选: tick or untick every open alarm on the board (rows that arrive later come unticked).
  const all = document.getElementById("bulk-all");
  if (all) all.addEventListener("change", () => document.querySelectorAll("#alarm-rows input[name=alarms]")
    .forEach((box) => { box.checked = all.checked; }));
  document.addEventListener("yingji:alarm", (ev) => {
    const a = ev.detail;
    let tr = document.getElementById("alarm-" + a.id);
    if (a.state === "cleared") { if (tr) tr.remove(); return; }
    const none = document.getElementById("no-alarms"); if (none) none.remove();
    const fresh = document.createElement("tr");
    fresh.id = "alarm-" + a.id;
    fresh.className = "yj-alarm-l" + a.level + " yj-flash";
    const links = el("td", {}, el("a", {href: a.url}, "处置"), " · ", el("a", {href: `/monitoring/sensors/${encodeURIComponent(a.sensor_id)}/chart/`}, "曲线"));
    const st = cell(a.state_label);
    if (a.recovered) st.append(" ", el("span", {class: "badge text-bg-success"}, "已恢复"));
    const ticked = tr ? tr.querySelector("input[name=alarms]")?.checked : false;  // a repeat keeps its tick
    const pick = el("td", {}, el("input", {type: "checkbox", name: "alarms", value: String(a.id), form: "bulk-form",
                                           class: "form-check-input", "aria-label": "选择此报警"}));
    pick.firstChild.checked = !!ticked;
    fresh.append(pick, cell(a.level + "级"), cell(a.kind_label), cell(a.point + " · " + a.sensor),
      cell((a.value ?? "—") + " " + a.unit), cell(a.peak ?? "—"), cell(a.count), st, cell(time(a.last_at)), links);
    if (tr) tr.replaceWith(fresh); else rows.prepend(fresh);
  });
})();
