/* 指挥大屏 (screen.html): the situation map (map.js) with the figures' layers, the figures asked for
   again every poll_s seconds and at once when the live stream (/live/stream) brings an alarm or a
   warning, and a clock. Values reach the page only as text (decision 0003). */
(function () {
  const config = JSON.parse(document.getElementById("screen-config").textContent);
  // Dots sized for the wall: about 0.6 % of the screen's height (4 px on a desk is invisible from 4 m).
  const map = window.yingjiSituationMap("screen-map", {attribute: config.attribute, level: config.level,
    pointRadius: Math.max(6, Math.round(window.innerHeight * 0.006)),
    layers: config.layers.map(l => ({slug: l.slug, query: l.query, colour: l.colour, fixed: true}))});
  const live = document.getElementById("screen-live");
  const pad = n => String(n).padStart(2, "0");

  function clock() {
    const now = new Date();
    document.getElementById("screen-clock").textContent = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  }

  async function figures() {
    try {
      const r = await fetch(config.figures_url, {credentials: "same-origin", headers: {Accept: "application/json"}});
      if (!r.ok) return;
      const data = await r.json();
      data.figures.forEach(f => {
        const box = document.querySelector(`[data-figure="${CSS.escape(f.key)}"]`);
        if (!box) return;  // a figure that appears later shows on the next page load
        box.querySelector("[data-value]").textContent = String(f.value);
        box.querySelector("[data-note]").textContent = f.note;
        box.classList.toggle("is-alert", f.alert);
      });
      document.getElementById("screen-at").textContent = data.at.slice(0, 19).replace("T", " ");
    } catch (e) { /* the wall keeps the last figures; the next poll tries again */ }
  }

  let pending = null, lastMap = Date.now();
  function soon() {  // several events in a burst: one refresh
    clearTimeout(pending);
    pending = setTimeout(() => {
      figures();
      if (Date.now() - lastMap > 10000) { lastMap = Date.now(); map.reload(); }
    }, 1000);
  }

  clock();
  setInterval(clock, 1000);
  setInterval(figures, config.poll_s * 1000);
  setInterval(() => { lastMap = Date.now(); map.reload(); }, 300000);  // the map's points every five minutes
  if (config.channels.length && window.EventSource) {
    const stream = new EventSource(`/live/stream?channels=${encodeURIComponent(config.channels.join(","))}`);
    stream.onopen = () => { live.dataset.state = "live"; live.textContent = "实时"; };
    stream.onerror = () => { live.dataset.state = "poll"; live.textContent = "定时刷新"; };
    config.channels.forEach(c => stream.addEventListener(c, soon));
  }
})();
