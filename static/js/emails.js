// Email templates: insert a merge field in the editor, flag unknown fields as you type,
// and copy a filled-in email to the clipboard (counting it as a use of the template).
(function () {
  "use strict";
  var lastFocused = null;
  var VARIABLE = /\{\{\s*([^}|]*?)\s*(\|[^}]*)?\}\}/g;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-merge-target]")) {
      lastFocused = event.target;
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-merge-field]");
    if (!button) { return; }
    var form = button.closest(".template-editor");
    var target = lastFocused || (form && form.querySelector("textarea[data-merge-target]"));
    if (!target) { return; }
    var text = "{{ " + button.getAttribute("data-merge-field") + " }}";
    var start = target.selectionStart || 0;
    var end = target.selectionEnd || 0;
    target.value = target.value.slice(0, start) + text + target.value.slice(end);
    target.focus();
    target.selectionStart = target.selectionEnd = start + text.length;
    target.dispatchEvent(new Event("input", { bubbles: true }));
  });

  document.addEventListener("input", function (event) {
    var form = event.target.closest("[data-merge-form]");
    if (!form) { return; }
    var known = (form.getAttribute("data-field-keys") || "").split(" ");
    var unknown = [];
    form.querySelectorAll("[data-merge-target]").forEach(function (field) {
      var match;
      VARIABLE.lastIndex = 0;
      while ((match = VARIABLE.exec(field.value)) !== null) {
        if (known.indexOf(match[1]) === -1 && unknown.indexOf(match[1]) === -1) {
          unknown.push(match[1]);
        }
      }
    });
    var note = form.querySelector("[data-unknown-fields]");
    if (note) {
      note.textContent = unknown.length ? "Unknown field: " + unknown.join(", ") + " (it cannot be saved)." : "";
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-email]");
    if (!button) { return; }
    var form = button.closest("form");
    var subject = form.querySelector("[name=subject]").value;
    var body = form.querySelector("[name=body]").value;
    var status = form.querySelector("[data-copy-status]");
    var text = "Subject: " + subject + "\n\n" + body;
    var done = function () {
      if (status) { status.textContent = "Copied to the clipboard."; }
      fetch(button.getAttribute("data-copied-url"), {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin"
      });
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {
        if (status) { status.textContent = "Copy failed: select the text and copy it."; }
      });
    } else {
      var area = form.querySelector("[name=body]");
      area.select();
      document.execCommand("copy");
      done();
    }
  });
})();
