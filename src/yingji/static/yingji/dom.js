/* DOM building for every page (loaded by base.html and public/base.html before any page script).
   User data reaches the page only as text: yj.el() makes elements with textContent children and
   attributes set one by one, never by parsing HTML, so a name such as <img onerror=…> shows as typed.
   Leaflet popups and tooltips take the element (or a function returning one), never a string. */
(function () {
  const SAFE_URL = /^(\/(?!\/)|#|https?:|mailto:|tel:|\?)/i;  // relative, fragment, http(s), mail, phone

  /* el("a", {href: url, class: "small", dataset: {drill: code}}, "查看", child, [more, children]) */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "style" && typeof value === "object") Object.assign(node.style, value);
      else if (key === "class") node.className = value;
      else if (/^on/i.test(key)) throw new Error("yj.el: no event handler attributes (" + key + "); use addEventListener");
      else if ((key === "href" || key === "src" || key === "action") && !SAFE_URL.test(String(value))) continue;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children) {
      if (child === null || child === undefined || child === false || child === "") continue;
      if (Array.isArray(child)) append(node, child);
      else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /* Lines of text (or nodes) one below the other: lines(["名称", "人口：3"]) → "名称<br>人口：3" as nodes. */
  function lines(items) {
    const out = [];
    items.filter(x => x !== null && x !== undefined && x !== "").forEach((item, i) => {
      if (i) out.push(document.createElement("br"));
      out.push(item);
    });
    return out;
  }

  /* Replace an element's children: yj.fill(panel, el("p", {}, "…"), …). */
  function fill(node, ...children) {
    node.replaceChildren();
    return append(node, children);
  }

  window.yj = {el, append, lines, fill};

  // <select data-autosubmit> submits its form when changed (instead of an inline onchange handler).
  document.addEventListener("change", e => {
    const box = e.target.closest && e.target.closest("[data-autosubmit]");
    if (box && box.form) box.form.requestSubmit ? box.form.requestSubmit() : box.form.submit();
  });
  // <button data-print> opens the print dialog (instead of onclick="window.print()").
  document.addEventListener("click", e => {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });
})();
