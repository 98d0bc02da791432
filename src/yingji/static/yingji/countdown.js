/* Countdowns: each open clock ticks every second; overdue turns red. */
(function () {
  const els = [...document.querySelectorAll("[data-countdown]:not([data-done])")];
  function fmt(s) { const a = Math.abs(s), d = Math.floor(a / 86400), h = Math.floor(a % 86400 / 3600),
      m = Math.floor(a % 3600 / 60), x = Math.floor(a % 60);
    if (d) return `${d} 天 ${h} 小时`;
    return `${h ? h + " 小时 " : ""}${m} 分 ${String(x).padStart(2, "0")} 秒`; }
  function tick() {
    const now = Date.now();
    for (const el of els) {
      const left = (Date.parse(el.dataset.countdown) - now) / 1000;
      el.className = left < 0 ? "yj-clock-overdue" : left <= 900 ? "yj-clock-due_soon" : "yj-clock-pending";
      el.textContent = left < 0 ? `已超时 ${fmt(left)}` : `剩余 ${fmt(left)}`;
    }
  }
  tick(); setInterval(tick, 1000);
})();
