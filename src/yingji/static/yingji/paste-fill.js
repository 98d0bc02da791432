/* 粘贴文字提取: paste (or upload a .txt/.docx) what a township phoned in, and the form around the box
   is filled with the proposed values. Which field takes which fact is the server's (the form's
   declared map, POST /api/extraction/fill/ with the map's key); this file only sets the values it is
   given, marks each filled field with its confidence and 约, and highlights in the text the span each
   value came from. Nothing is saved until the officer submits the form; the text goes with it
   (hidden extraction_text) so the save records what was proposed and what was kept. */
(function () {
  const {el} = window.yj;

  function token(form) {
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : ((document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "");
  }

  function errorText(body) {
    if (!body || typeof body !== "object") return "提取失败";
    return Object.values(body).flat().join("；") || "提取失败";
  }

  function setup(box) {
    const form = box.closest("form");
    const area = box.querySelector("[data-paste-text]"), file = box.querySelector("[data-paste-file]");
    const date = box.querySelector("[data-paste-date]"), run = box.querySelector("[data-paste-run]");
    const status = box.querySelector("[data-paste-status]"), marked = box.querySelector("[data-paste-marked]");
    const keepText = box.querySelector("[data-paste-keep]"), keepDate = box.querySelector("[data-paste-keep-date]");
    let notes = [];
    if (keepText.value && !area.value) area.value = keepText.value;  // the form came back with an error

    function say(text, bad) {
      status.textContent = text;
      status.classList.toggle("text-danger", !!bad);
    }

    function clearNotes() {
      notes.forEach(n => n.remove());
      notes = [];
      form.querySelectorAll(".yj-filled").forEach(f => f.classList.remove("yj-filled"));
    }

    function highlight(text, fields) {
      const spans = Object.entries(fields).filter(([, p]) => p.start !== null && p.end !== null && p.end > p.start)
        .sort((a, b) => a[1].start - b[1].start || b[1].end - a[1].end);
      marked.replaceChildren();
      let at = 0;
      for (const [name, p] of spans) {
        if (p.start < at) continue;  // a span inside one already marked (a place named twice)
        marked.append(document.createTextNode(text.slice(at, p.start)));
        marked.append(el("mark", {dataset: {field: name}, title: labelOf(name)}, text.slice(p.start, p.end)));
        at = p.end;
      }
      marked.append(document.createTextNode(text.slice(at)));
      marked.hidden = false;
    }

    function labelOf(name) {
      const input = form.elements[name];
      const label = input && input.id ? form.querySelector(`label[for="${input.id}"]`) : null;
      return label ? label.textContent.replace("*", "").trim() : name;
    }

    function show(name, p) {
      const input = form.elements[name];
      if (!input || input.type === "file") return false;
      input.value = p.value;
      if (input.value !== p.value) return false;  // not one of a select's options: left as it was
      input.dispatchEvent(new Event("input", {bubbles: true}));
      input.dispatchEvent(new Event("change", {bubbles: true}));
      input.classList.add("yj-filled");
      const group = input.closest("details");
      if (group && group !== box) group.open = true;  // a 快报 group folded on the phone page
      const conf = Math.round(p.confidence * 100);
      const note = el("div", {class: "form-text yj-filled-note", dataset: {filledFrom: name}},
        p.text ? "提取自：" : "", p.text ? el("mark", {}, p.text) : (p.source === "text" ? "提取自：全文" : "由提取结果归纳"), ` · 置信度 ${conf}%`,
        p.approximate ? el("span", {class: "badge text-bg-warning ms-1", title: "原文为约数（约、近、余、多）"}, "约") : "",
        p.note ? ` · ${p.note}` : "");
      note.addEventListener("click", () => {
        const m = marked.querySelector(`mark[data-field="${name}"]`);
        if (m) { m.scrollIntoView({block: "nearest"}); m.classList.add("yj-mark-focus"); setTimeout(() => m.classList.remove("yj-mark-focus"), 1500); }
      });
      const anchor = input.closest(".mb-2, .mb-3, [class*=col-]") || input.parentElement;
      anchor.append(note);
      notes.push(note);
      return true;
    }

    async function extract() {
      const text = area.value;
      if (!text.trim()) { say("请先粘贴文字或上传文件", true); return; }
      run.disabled = true;
      say("正在提取…");
      try {
        const resp = await fetch(box.dataset.fillUrl, {
          method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": token(form), "Accept": "application/json"},
          body: JSON.stringify({text, form: box.dataset.pasteFill, reference_date: date.value || null})});
        const body = await resp.json();
        if (!resp.ok) { say(errorText(body), true); return; }
        clearNotes();
        const filled = Object.entries(body.fields).filter(([name, p]) => show(name, p));
        highlight(text, Object.fromEntries(filled));
        keepText.value = text;
        keepDate.value = date.value;
        say((filled.length ? `已按文字填写 ${filled.length} 项（标黄），请逐项核对，改正后保存；未写明的项未填写。`
                           : "文字中没有可填入本表的数据") + (body.notes || []).map(n => ` ${n}`).join(""), !filled.length);
        box.dataset.filled = String(filled.length);
      } catch (e) {
        say("提取失败：网络或服务器错误，请稍后再试", true);
      } finally {
        run.disabled = false;
      }
    }

    async function upload() {
      const chosen = file.files[0];
      if (!chosen) return;
      const data = new FormData();
      data.append("file", chosen);
      say("正在读取文件…");
      try {
        const resp = await fetch(box.dataset.fileUrl, {method: "POST", credentials: "same-origin",
          headers: {"X-CSRFToken": token(form), "Accept": "application/json"}, body: data});
        const body = await resp.json();
        if (!resp.ok) { say(errorText(body), true); return; }
        area.value = body.text;
        await extract();
      } catch (e) {
        say("读取文件失败，请稍后再试", true);
      }
    }

    run.addEventListener("click", extract);
    file.addEventListener("change", upload);
  }

  document.querySelectorAll("[data-paste-fill]").forEach(setup);
})();
