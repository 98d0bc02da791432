/* Live alarms for every page: one EventSource on /live/stream, a toast per new or worsened alarm
   coloured by level with a short tone (urgent ones sound), and a DOM event ("yingji:alarm") that
   pages such as the 值守台 listen to. The browser reconnects by itself and resumes after the last
   event id it saw. */
(function () {
  const url = document.body.dataset.liveUrl;
  if (!url || !window.EventSource) return;
  const LEVEL_CLASS = {1: "text-bg-info", 2: "text-bg-warning", 3: "text-bg-orange", 4: "text-bg-danger"};
  const seen = {};
  let audio = null;

  function tone(level) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = level >= 2 ? 880 : 660;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (level >= 2 ? 0.6 : 0.25));
    } catch (e) { /* no sound before the user has interacted with the page: the toast still shows */ }
  }

  function toast(a) {
    let box = document.getElementById("yj-toasts");
    if (!box) {
      box = document.createElement("div");
      box.id = "yj-toasts";
      box.className = "toast-container position-fixed bottom-0 end-0 p-3";
      document.body.appendChild(box);
    }
    const el = document.createElement("div");
    el.className = "toast show border-0 " + (LEVEL_CLASS[a.level] || "text-bg-danger");
    el.setAttribute("role", "alert");
    el.dataset.testid = "alarm-toast";
    const body = document.createElement("a");
    body.className = "toast-body d-block text-reset text-decoration-none";
    body.href = a.url;
    body.textContent = `${a.level}级${a.kind_label}：${a.point} ${a.sensor} ${a.value ?? ""}${a.unit}`;
    el.appendChild(body);
    box.prepend(el);
    while (box.children.length > 4) box.lastChild.remove();  // a burst shows the newest four
    setTimeout(() => el.remove(), 15000);
  }

  const source = new EventSource(url);
  source.addEventListener("alarms", (msg) => {
    const a = JSON.parse(msg.data);
    const before = seen[a.id];
    seen[a.id] = a;
    document.dispatchEvent(new CustomEvent("yingji:alarm", {detail: a}));
    const worse = !before || a.level > before.level || a.count > before.count;
    if (a.state === "raised" && !a.recovered && worse) {
      toast(a);
      tone(a.level);
    }
  });
  source.addEventListener("warnings", (msg) => {
    document.dispatchEvent(new CustomEvent("yingji:warning", {detail: JSON.parse(msg.data)}));
  });
  window.yingjiLive = source;
})();
