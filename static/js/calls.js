/* Call plans, logs and debriefs: repeated rows (add, remove, reorder), question banks
   prefilled from the call type, objection responses from the library, and the parts of
   the log form that depend on how the call went. The forms work without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function rowsOf(name) { return document.querySelector('[data-rows="' + name + '"]'); }

  function blank(row) {
    return Array.prototype.every.call(
      row.querySelectorAll('input[type="text"], textarea'),
      function (el) { return !el.value.trim(); }
    );
  }

  function newRow(name, values) {
    var template = document.querySelector('template[data-row-template="' + name + '"]');
    var row = template.content.firstElementChild.cloneNode(true);
    Object.keys(values || {}).forEach(function (field) {
      var el = row.querySelector('[name="' + field + '"]');
      if (el) { el.value = values[field]; }
    });
    return row;
  }

  function addRow(name, values, before) {
    var list = rowsOf(name);
    var row = newRow(name, values);
    list.insertBefore(row, before || null);
    return row;
  }

  function ensureTrailingBlank(list) {
    var rows = list.querySelectorAll("[data-row]");
    var last = rows[rows.length - 1];
    if (!last || !blank(last)) { addRow(list.getAttribute("data-rows")); }
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var name = add.getAttribute("data-add-row");
      var list = rowsOf(name);
      var rows = list.querySelectorAll("[data-row]");
      var last = rows[rows.length - 1];
      var target = last && blank(last) ? last : addRow(name);
      var input = target.querySelector('input[type="text"], textarea');
      if (input) { input.focus(); }
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest("[data-row]");
      var parent = row.parentNode;
      row.remove();
      if (parent.hasAttribute("data-rows")) { ensureTrailingBlank(parent); }
      return;
    }
    var move = event.target.closest("[data-move]");
    if (move) {
      var current = move.closest("[data-row]");
      if (move.getAttribute("data-move") === "-1" && current.previousElementSibling) {
        current.parentNode.insertBefore(current, current.previousElementSibling);
      } else if (move.getAttribute("data-move") === "1" && current.nextElementSibling) {
        current.parentNode.insertBefore(current.nextElementSibling, current);
      }
      move.focus();
    }
  });

  // A question is one line of text that wraps: Enter goes to the next question.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches("textarea.grow-line")) { return; }
    event.preventDefault();
    var next = event.target.closest("[data-row]").nextElementSibling;
    var field = next && next.querySelector("textarea, input[type=\"text\"]");
    if (field) { field.focus(); }
  });

  // Typing in the last row opens the next one, like a list on paper.
  document.addEventListener("input", function (event) {
    var list = event.target.closest("[data-rows]");
    if (list && event.target.matches('input[type="text"], textarea')) { ensureTrailingBlank(list); }
  });

  // --- plan: question bank of the call type --------------------------------------
  var banksNode = document.getElementById("call-type-banks");
  var banks = banksNode ? JSON.parse(banksNode.textContent) : {};
  var questions = rowsOf("questions");
  if (questions) {
    questions.querySelectorAll('[data-bank] [name="question"]').forEach(function (input) {
      input.setAttribute("data-original", input.value);
    });
  }
  var typeSelect = document.querySelector('#call-plan-form select[name="call_type"]');
  var minutes = document.querySelector('#call-plan-form input[name="planned_duration_minutes"]');
  if (minutes) { minutes.setAttribute("data-original", minutes.value); }
  if (typeSelect && questions) {
    typeSelect.addEventListener("change", function () {
      // Replace the previous bank's questions the rep has not touched; keep their own.
      questions.querySelectorAll("[data-bank]").forEach(function (row) {
        var input = row.querySelector('[name="question"]');
        if (!input.value.trim() || input.value === input.getAttribute("data-original")) { row.remove(); }
      });
      var bank = banks[typeSelect.value];
      if (bank) {
        var first = questions.querySelector("[data-row]");
        bank.questions.forEach(function (text) {
          var row = addRow("questions", { question: text }, first);
          row.setAttribute("data-bank", "1");
          row.querySelector('[name="question"]').setAttribute("data-original", text);
        });
        if (minutes && minutes.value === minutes.getAttribute("data-original")) {
          minutes.value = bank.minutes;
          minutes.setAttribute("data-original", minutes.value);
        }
      }
      ensureTrailingBlank(questions);
    });
  }

  // --- plan and log: objections from the library -----------------------------------
  var libraryNode = document.getElementById("objection-library-data");
  var library = libraryNode ? JSON.parse(libraryNode.textContent) : [];
  function fromLibrary(text) {
    text = (text || "").trim().toLowerCase();
    for (var i = 0; i < library.length; i++) {
      if (library[i].text.toLowerCase() === text) { return library[i]; }
    }
    return null;
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches('input[list="objection-library"]')) { return; }
    var row = input.closest("[data-row]");
    var match = fromLibrary(input.value);
    var id = row.querySelector('input[name="objection_library"]');
    if (id) { id.value = match ? match.id : ""; }
    var response = row.querySelector("textarea");
    if (match && response && !response.value.trim()) { response.value = match.response; }
  });

  // --- log: what shows depends on how the call went ---------------------------------
  var logForm = document.getElementById("call-log-form");
  if (logForm) {
    var update = function () {
      var checked = logForm.querySelector('input[name="result"]:checked');
      var result = checked ? checked.value : "held";
      logForm.querySelectorAll("[data-result]").forEach(function (part) {
        part.hidden = part.getAttribute("data-result").split(" ").indexOf(result) === -1;
      });
    };
    logForm.addEventListener("change", function (event) {
      if (event.target.name === "result") { update(); }
      if (event.target.matches("[data-met]")) {
        var details = event.target.closest(".met-row").querySelector(".met-details");
        if (details) { details.hidden = !event.target.checked; }
      }
    });
    // Writing an answer means the question was asked.
    logForm.addEventListener("input", function (event) {
      var answer = event.target.closest("[data-answer-for]");
      if (answer && answer.value.trim()) {
        var box = document.getElementById(answer.getAttribute("data-answer-for"));
        if (box) { box.checked = true; }
      }
    });
    logForm.querySelectorAll("[data-met]").forEach(function (box) {
      var details = box.closest(".met-row").querySelector(".met-details");
      if (details) { details.hidden = !box.checked; }
    });
    update();
  }
})();
