// Row selection for bulk actions (salesproc/bulk_actions): a list's table has
//   <input class="bulk-all" data-bulk-form="bulk-lead">  selects every row on the page
//   <input class="bulk-row" name="ids" form="bulk-lead"> one row, submitted with the bar
// and the bar <form id="bulk-lead" data-bulk> shows the count, the chosen action's fields
// only, and asks before an action that carries data-confirm-text. Events are delegated
// because htmx swaps the table when the filters change.
(function () {
  "use strict";
  function rows(formId) {
    return Array.prototype.slice.call(
      document.querySelectorAll('input.bulk-row[form="' + formId + '"]'));
  }
  function refresh(form) {
    if (!form) { return; }
    form.setAttribute("data-bulk-ready", "");
    var all = rows(form.id);
    var checked = all.filter(function (box) { return box.checked; }).length;
    var scope = form.querySelector('input[name="scope"]');
    var everything = scope && scope.checked;
    var count = form.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = everything ? "Every row matching this filter"
        : (checked ? checked + " selected" : "No rows selected");
    }
    form.classList.toggle("has-selection", everything || checked > 0);
    var submit = form.querySelector("[data-bulk-submit]");
    if (submit) { submit.disabled = !(everything || checked > 0); }
    var head = document.querySelector('input.bulk-all[data-bulk-form="' + form.id + '"]');
    if (head) {
      head.checked = all.length > 0 && checked === all.length;
      head.indeterminate = checked > 0 && checked < all.length;
    }
    var select = form.querySelector("[data-bulk-action]");
    if (select) {
      var key = select.value;
      form.querySelectorAll("[data-bulk-for]").forEach(function (field) {
        var on = field.getAttribute("data-bulk-for") === key;
        field.hidden = !on;
        field.querySelectorAll("select, input").forEach(function (el) { el.disabled = !on; });
      });
      var option = select.options[select.selectedIndex];
      var text = option && option.getAttribute("data-confirm-text");
      if (text) { form.setAttribute("data-confirm", text); } else { form.removeAttribute("data-confirm"); }
    }
  }
  function formOf(el) {
    if (el.classList.contains("bulk-all")) {
      return document.getElementById(el.getAttribute("data-bulk-form"));
    }
    if (el.classList.contains("bulk-row")) { return el.form; }
    return el.closest("form[data-bulk]");
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLElement)) { return; }
    var form = formOf(el);
    if (!form) { return; }
    if (el.classList.contains("bulk-all")) {
      rows(form.id).forEach(function (box) { box.checked = el.checked; });
    }
    refresh(form);
  });
  function init(root) {
    (root || document).querySelectorAll("form[data-bulk]").forEach(refresh);
  }
  document.addEventListener("DOMContentLoaded", function () { init(); });
  document.addEventListener("htmx:afterSettle", function () { init(); });
})();
