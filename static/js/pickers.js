// Type-ahead pickers (salesproc/pickers): a search box, a listbox the server fills (htmx)
// and hidden inputs with the chosen id(s). Keyboard: arrows move, Enter picks, Esc closes;
// a tap picks on a phone. Declared in the markup: [data-picker], [data-picker-input],
// [data-picker-option], [data-picker-remove].
(function () {
  "use strict";

  function parts(el) {
    var picker = el && el.closest && el.closest("[data-picker]");
    if (!picker) return null;
    return {
      picker: picker,
      input: picker.querySelector("[data-picker-input]"),
      list: picker.querySelector(".picker-list"),
      value: picker.querySelector("[data-picker-value]"),
      chips: picker.querySelector("[data-picker-chips]"),
      multiple: picker.hasAttribute("data-picker-multiple"),
    };
  }
  function options(p) {
    return Array.prototype.slice.call(p.list.querySelectorAll("[data-picker-option]"));
  }
  function setOpen(p, open) {
    p.list.hidden = !open;
    p.input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) p.input.removeAttribute("aria-activedescendant");
  }
  function activate(p, index) {
    var list = options(p);
    list.forEach(function (option, n) {
      option.setAttribute("aria-selected", n === index ? "true" : "false");
      option.classList.toggle("active", n === index);
    });
    if (list[index]) {
      p.input.setAttribute("aria-activedescendant", list[index].id);
      list[index].scrollIntoView({ block: "nearest" });
    }
  }
  function activeIndex(p) {
    return options(p).findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
  }
  function choose(p, option) {
    var id = option.getAttribute("data-value");
    var label = option.getAttribute("data-label");
    if (p.multiple) {
      var name = p.picker.getAttribute("data-picker-name");
      var exists = Array.prototype.some.call(p.chips.querySelectorAll("input"), function (i) {
        return i.value === id;
      });
      if (!exists) {
        var chip = document.createElement("li");
        chip.className = "picker-chip";
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = name;
        hidden.value = id;
        var text = document.createElement("span");
        text.textContent = label;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "picker-remove";
        remove.setAttribute("data-picker-remove", "");
        remove.setAttribute("aria-label", "Remove " + label);
        remove.textContent = "×";
        chip.appendChild(hidden);
        chip.appendChild(text);
        chip.appendChild(document.createTextNode(" "));
        chip.appendChild(remove);
        p.chips.appendChild(chip);
        hidden.dispatchEvent(new Event("change", { bubbles: true }));
      }
      p.input.value = "";
    } else {
      p.value.value = id;
      p.input.value = label;
      p.input.setAttribute("data-picker-label", label);
      p.value.dispatchEvent(new Event("change", { bubbles: true }));
    }
    setOpen(p, false);
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var p = parts(event.target);
    if (p && event.target === p.list) {
      setOpen(p, document.activeElement === p.input);
      activate(p, -1);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (!event.target.matches || !event.target.matches("[data-picker-input]")) return;
    var p = parts(event.target);
    var list = options(p);
    var index = activeIndex(p);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (p.list.hidden) { setOpen(p, true); }
      if (!list.length) return;
      var next = event.key === "ArrowDown" ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
      activate(p, next);
    } else if (event.key === "Enter") {
      // Never submit the form from the search box.
      event.preventDefault();
      if (!p.list.hidden && list.length) choose(p, list[index >= 0 ? index : 0]);
    } else if (event.key === "Escape" && !p.list.hidden) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(p, false);
    }
  }, true);
  document.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches("[data-picker-input]")) return;
    var p = parts(event.target);
    if (!p.multiple && !p.input.value.trim() && p.value.value) {
      p.value.value = "";  // clearing the box clears the choice
      p.input.setAttribute("data-picker-label", "");
      p.value.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  // Keep the focus in the box while an option is pressed, so the list is still there.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[data-picker-option]")) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-picker-option]");
    if (option) {
      choose(parts(option), option);
      return;
    }
    var remove = event.target.closest && event.target.closest("[data-picker-remove]");
    if (remove) {
      var p = parts(remove);
      remove.closest(".picker-chip").remove();
      p.input.focus();
    }
  });
  document.addEventListener("focusout", function (event) {
    var p = parts(event.target);
    if (!p || (event.relatedTarget && p.picker.contains(event.relatedTarget))) return;
    setOpen(p, false);
    if (!p.multiple) p.input.value = p.input.getAttribute("data-picker-label") || "";
  });
})();
