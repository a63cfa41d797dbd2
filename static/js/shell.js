// The header's behaviour, declared in the markup (no inline script):
//   the search box and its dropdown (arrows, Enter, Esc), the quick-create dialog,
//   keyboard shortcuts (/ search, c create, g then h/d/l/c/a, ? the list, Esc closes),
//   [data-dialog-close] closes its dialog.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  // ---- search dropdown
  function searchParts() {
    var input = document.querySelector("[data-search-input]");
    var box = document.getElementById("search-dropdown");
    return input && box ? { input: input, box: box } : null;
  }
  function setDropdown(open) {
    var parts = searchParts();
    if (!parts) return;
    parts.box.hidden = !open;
    parts.input.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function hits() {
    var parts = searchParts();
    return parts ? Array.prototype.slice.call(parts.box.querySelectorAll("[data-search-hit]")) : [];
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "search-dropdown") {
      var parts = searchParts();
      setDropdown(parts && parts.input.value.trim().length > 0);
    }
  });
  document.addEventListener("keydown", function (event) {
    var parts = searchParts();
    if (!parts) return;
    var inSearch = event.target === parts.input;
    var inBox = parts.box.contains(event.target);
    if (!inSearch && !inBox) return;
    var list = hits();
    var index = list.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && list.length) {
      event.preventDefault();
      setDropdown(true);
      list[Math.min(index + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp" && inBox) {
      event.preventDefault();
      if (index <= 0) parts.input.focus(); else list[index - 1].focus();
    } else if (event.key === "Escape") {
      if (!parts.box.hidden) {
        event.preventDefault();
        event.stopPropagation();
        setDropdown(false);
        parts.input.focus();
      } else if (inSearch) {
        parts.input.blur();
      }
    }
  }, true);
  document.addEventListener("click", function (event) {
    var parts = searchParts();
    if (parts && !parts.box.hidden && !event.target.closest("[data-search]")) setDropdown(false);
  });
  document.addEventListener("focusin", function (event) {
    var parts = searchParts();
    var fromBox = event.relatedTarget && parts && parts.box.contains(event.relatedTarget);
    if (parts && !fromBox && event.target === parts.input && parts.input.value.trim() && parts.box.children.length) {
      setDropdown(true);
    }
  });

  // ---- dialogs
  function openDialog(dialog) {
    if (dialog && !dialog.open && typeof dialog.showModal === "function") dialog.showModal();
  }
  function quickCreate() {
    var button = document.querySelector("[data-quick-create]");
    if (button) button.click();
  }
  // Inside the dialog, a create page is loaded and its form posted by htmx, keeping only
  // its heading and form (data-quick-create-select); the page underneath stays.
  function loadIntoDialog(verb, url, source) {
    var body = document.getElementById("quick-create-body");
    if (!body || !window.htmx) return false;
    var options = { target: body, swap: "innerHTML", select: body.getAttribute("data-quick-create-select") };
    if (source) options.source = source;
    window.htmx.ajax(verb, url, options);
    return true;
  }
  document.addEventListener("click", function (event) {
    var choice = event.target.closest && event.target.closest("#quick-create-body [data-quick-create-choice]");
    if (choice && loadIntoDialog("GET", choice.href)) event.preventDefault();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var body = document.getElementById("quick-create-body");
    if (!body || !body.contains(form) || event.defaultPrevented) return;
    event.preventDefault();
    var url = form.getAttribute("action") || body.getAttribute("data-origin");
    loadIntoDialog((form.getAttribute("method") || "get").toUpperCase(), url, form);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "quick-create-body") {
      var xhr = event.detail.xhr;
      if (xhr && xhr.responseURL) event.target.setAttribute("data-origin", xhr.responseURL);
      var dialog = document.getElementById("quick-create");
      openDialog(dialog);
      var first = event.target.querySelector(
        ".has-error input, .has-error select, input:not([type=hidden]), select, textarea, [data-quick-create-choice]"
      );
      if (first) first.focus();
    }
  });
  // In the dialog, a link of the create page (Cancel, a duplicate's page) is not the
  // dialog's business: Cancel closes it, any other link is an ordinary navigation.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#quick-create-body a[href]");
    if (!link || link.hasAttribute("data-quick-create-choice")) return;
    event.preventDefault();
    event.stopPropagation();
    if (link.closest("form")) {
      link.closest("dialog").close();
    } else {
      window.location.assign(link.href);
    }
  }, true);
  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-dialog-close]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) dialog.close();
      return;
    }
    if (event.target.closest("[data-shortcuts-open]")) {
      openDialog(document.getElementById("shortcuts"));
      return;
    }
    // A click on the backdrop (the dialog element itself, outside its box) closes it.
    if (event.target.tagName === "DIALOG" && event.target.open) {
      var rect = event.target.getBoundingClientRect();
      var inside = event.clientX >= rect.left && event.clientX <= rect.right &&
        event.clientY >= rect.top && event.clientY <= rect.bottom;
      if (!inside) event.target.close();
    }
  });

  // ---- shortcuts
  var pendingG = 0;
  function go(letter) {
    var list = document.getElementById("shortcuts");
    var url = list && list.getAttribute("data-go-" + letter);
    if (url) window.location.assign(url);
  }
  function closeMenus() {
    var closed = false;
    document.querySelectorAll("details[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      closed = true;
    });
    return closed;
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      // Open <dialog>s close themselves on Esc; menus (details) do not.
      var menu = event.target.closest && event.target.closest("details[open]");
      if (closeMenus() && menu) {
        var summary = menu.querySelector("summary");
        if (summary) summary.focus();
      }
      setDropdown(false);
      return;
    }
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    var key = event.key;
    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      if ("hdlca".indexOf(key) >= 0 && key.length === 1) {
        event.preventDefault();
        go(key);
      }
      return;
    }
    pendingG = 0;
    if (key === "/") {
      var parts = searchParts();
      if (parts) {
        event.preventDefault();
        parts.input.focus();
        parts.input.select();
      }
    } else if (key === "c") {
      event.preventDefault();
      quickCreate();
    } else if (key === "g") {
      pendingG = Date.now();
    } else if (key === "?") {
      event.preventDefault();
      openDialog(document.getElementById("shortcuts"));
    }
  });
})();
