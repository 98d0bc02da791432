/* 物资调度 form (resources/dispatch.html). */
(function () {
  // Re-select what was posted (the form keeps the user's rows after a computation or an error).
  new URLSearchParams(JSON.parse(document.getElementById("posted").textContent || '""')).forEach((v, k) => {
    const el = document.querySelector(`[name="${CSS.escape(k)}"]`);
    if (el && k !== "csrfmiddlewaretoken" && el.type !== "submit") el.value = v;
  });
})();
