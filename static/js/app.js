// Behaviour every page shares, declared in the markup so no template needs inline script
// (the Content-Security-Policy allows scripts from this site only):
//   <form data-confirm="Delete this?">   asks before submitting
//   <select data-autosubmit>             submits its form when changed
//   <input data-select-on-click>         selects its text when clicked (copy a URL)
//   <a data-export-csv href="...">       exports with the filters in the address bar now
//                                        (htmx filters push them there; no page reload)
(function () {
  "use strict";
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
  document.addEventListener("click", function (event) {
    var field = event.target.closest("[data-select-on-click]");
    if (field && typeof field.select === "function") {
      field.select();
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
