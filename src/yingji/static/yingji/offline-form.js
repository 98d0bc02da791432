/* A form that survives a dropped connection (the shelter desk on a phone): an idempotent operation's
   form (data-offline-key: its one-time submission key, made when the page was rendered) is sent by
   fetch; when the network is down, or the send fails, the form is kept in localStorage and sent again
   when the connection comes back (the "online" event, or the next time the page opens). The server
   answers a key it has seen with its first answer, so a resend never registers twice.
   Forms with files chosen go the ordinary way (localStorage cannot hold them). No library. */
(function () {
  const form = document.querySelector("form[data-offline-key]");
  const note = document.querySelector("[data-testid=offline-queue]");
  if (!form || !window.localStorage || !window.fetch) return;
  const PREFIX = "yj-unsent:";
  const here = new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname;

  function queued() {
    const out = [];
    for (let i = 0; i < localStorage.length; i++) {
      const name = localStorage.key(i);
      if (!name || !name.startsWith(PREFIX)) continue;
      try { out.push(JSON.parse(localStorage.getItem(name))); } catch (e) { localStorage.removeItem(name); }
    }
    return out.filter((entry) => entry && entry.action === here).sort((a, b) => a.at - b.at);
  }

  function show(text) {
    if (!note) return;
    note.textContent = text;
    note.classList.toggle("d-none", !text);
  }

  function describe() {
    const n = queued().length;
    show(n ? `网络未连接：${n} 份登记已保存在本机，联网后自动提交（不会重复登记）` : "");
  }

  function entryOf() {
    const fields = [];
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string") fields.push([name, value]);
    }
    return {key: form.dataset.offlineKey, action: here, fields: fields, at: Date.now()};
  }

  function refill(entry) {  /* the kept inputs back into the form, for the server to show its errors */
    for (const el of form.elements) {
      if (!el.name || el.type === "file") continue;
      const values = entry.fields.filter(([name]) => name === el.name).map(([, v]) => v);
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.includes(el.value);
      else if (el.multiple) for (const o of el.options) o.selected = values.includes(o.value);
      else if (values.length) el.value = values[0];
    }
  }

  /* One send: the address to go to when taken (or taken before), "invalid" when the server refused the
     inputs (the form then goes the ordinary way to show why); throws when the network failed. */
  async function send(entry) {
    const response = await fetch(entry.action, {
      method: "POST", body: new URLSearchParams(entry.fields), credentials: "same-origin",
      headers: {"X-Yingji-Form": "fetch"},
    });
    localStorage.removeItem(PREFIX + entry.key);
    if (response.ok && (response.headers.get("Content-Type") || "").includes("json")) return (await response.json()).next;
    return "invalid";
  }

  let sending = false;
  async function flush() {
    if (sending || !navigator.onLine) return describe();
    sending = true;
    let last = null;
    try {
      for (const entry of queued()) {
        const next = await send(entry);
        if (next === "invalid") { refill(entry); form.submit(); return; }
        last = next;
      }
    } catch (e) {
      /* still offline for the server: kept, tried again on the next "online" */
    } finally {
      sending = false;
    }
    describe();
    if (last) window.location.assign(last);
  }

  form.addEventListener("submit", (event) => {
    if ([...form.querySelectorAll("input[type=file]")].some((input) => input.files && input.files.length)) return;
    event.preventDefault();
    const entry = entryOf();
    localStorage.setItem(PREFIX + entry.key, JSON.stringify(entry));
    flush();
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", describe);
  flush();
})();
