// Behaviour every page shares, declared in the markup so no template needs inline script
// (the Content-Security-Policy allows scripts from this site only):
//   <form data-confirm="Delete this?">   asks before submitting
//   <select data-autosubmit>             submits its form when changed
//   <input data-select-on-click>         selects its text when clicked (copy a URL)
//   <a data-dialog-url="/x/">            opens /x/ (as an htmx fragment) in the page's dialog
//   <button data-dialog-close>           closes that dialog
//   <a data-export-csv href="...">       exports with the filters in the address bar now
//                                        (htmx filters push them there; no page reload)
//   <form data-keep-query="a b">         a GET form keeping the address bar's other parameters
//   <input data-current-query>           takes the address bar's query string on submit
//                                        (a list filtered by htmx has pushed it there)
(function () {
  "use strict";
  document.documentElement.classList.add("js");  // shows .js-only controls
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) {
      if (typeof field.form.requestSubmit === "function") {
        field.form.requestSubmit();
      } else {
        field.form.submit();
      }
    }
  });
  // A list's filters (form.filters, sent by htmx) keep the columns chosen in the
  // Columns menu: those are in the address bar, not in the filter form.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.closest || !elt.closest("form.filters")) return;
    var columns = new URLSearchParams(window.location.search).getAll("columns");
    if (columns.length && !event.detail.parameters.has("columns")) {
      event.detail.parameters.columns = columns;
    }
  });
  // <form method="get" data-keep-query="columns page">: a GET form that changes some of
  // the list's parameters keeps the others of the address bar (filters htmx pushed there).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-keep-query")) return;
    var replaced = form.getAttribute("data-keep-query").split(" ");
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (replaced.indexOf(key) !== -1 || form.querySelector('[name="' + CSS.escape(key) + '"]')) return;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = key;
      input.value = value;
      form.appendChild(input);
    });
  });
  document.addEventListener("submit", function (event) {
    var fields = event.target.querySelectorAll ? event.target.querySelectorAll("[data-current-query]") : [];
    for (var i = 0; i < fields.length; i++) {
      fields[i].value = window.location.search.replace(/^\?/, "");
    }
  });
  document.addEventListener("click", function (event) {
    var field = event.target.closest("[data-select-on-click]");
    if (field && typeof field.select === "function") {
      field.select();
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-dialog-url]");
    var dialog = document.getElementById("app-dialog");
    if (link && dialog && typeof dialog.showModal === "function") {
      event.preventDefault();
      fetch(link.getAttribute("data-dialog-url"), {
        headers: { "HX-Request": "true" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      }).then(function (html) {
        dialog.querySelector("[data-dialog-body]").innerHTML = html;
        document.querySelectorAll("details[open]").forEach(function (menu) { menu.open = false; });
        dialog.showModal();
        var first = dialog.querySelector("select, input:not([type=hidden]), textarea");
        if (first) { first.focus(); }
      }, function () {
        window.location.href = link.getAttribute("href");
      });
      return;
    }
    if (event.target.closest("[data-dialog-close]")) {
      var open = event.target.closest("dialog");
      if (open) { open.close(); }
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-export-csv]");
    if (!link) {
      return;
    }
    var target = new URL(link.href, window.location.href);
    var current = new URLSearchParams(window.location.search);
    current.delete("page");
    current.forEach(function (value, key) {
      target.searchParams.delete(key);
    });
    current.forEach(function (value, key) {
      target.searchParams.append(key, value);
    });
    link.href = target.toString();
  });
})();
