// Behaviour every page shares, declared in the markup so no template needs inline script
// (the Content-Security-Policy allows scripts from this site only):
//   <form data-confirm="Delete this?">   asks before submitting
//   <select data-autosubmit>             submits its form when changed
//   <input data-select-on-click>         selects its text when clicked (copy a URL)
//   <input data-current-query>           takes the address bar's query string on submit
//                                        (a list filtered by htmx has pushed it there)
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
})();
