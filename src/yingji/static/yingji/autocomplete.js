/* Autocomplete inputs (core.widgets.AutocompleteInput): the box holds the record's key (区划代码,
   统一社会信用代码 …), the line under it names the record picked from the suggestions. */
(function () {
  document.addEventListener("input", (ev) => {
    const input = ev.target;
    if (!(input instanceof HTMLInputElement) || !input.list) return;
    const shown = document.querySelector(`[data-picked-for="${CSS.escape(input.id)}"]`);
    if (!shown) return;
    const option = Array.from(input.list.options).find((o) => o.value === input.value);
    shown.textContent = option ? option.textContent : "";
  });
})();
