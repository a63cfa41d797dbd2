/* The deal board: drag a card to another column to move the deal.
 *
 * The drop POSTs the move (stage + the card's version) and asks for JSON. When the
 * server needs more (exit criteria to confirm, a lost reason, a newer version) it
 * answers with a prompt_url: that form opens in a dialog and posts normally, under the
 * refusal the form cannot fix itself (a stage gate's "what is missing"). Without
 * JavaScript, or from the keyboard, each card's "Move" menu does the same job.
 */
(function () {
  "use strict";

  const boardRoot = document.getElementById("board");
  const dialog = document.getElementById("move-dialog");
  if (!boardRoot) return;

  const status = document.createElement("p");
  status.className = "sr-only";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  boardRoot.before(status);

  let dragged = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function say(text) {
    status.textContent = text || "";
  }

  function columnOf(target) {
    return target && target.closest ? target.closest(".board-column") : null;
  }

  function refreshBoard() {
    if (window.htmx) {
      window.htmx.ajax("GET", window.location.href, { target: "#board", swap: "innerHTML" });
    } else {
      window.location.reload();
    }
  }

  // The server's refusals the prompt's fields do not show themselves (a stage gate's
  // "what is missing", a stale version): shown above the form in the dialog.
  const FORM_FIELDS = ["exit_criteria_confirmed", "reason", "detail"];

  function refusalOf(errors) {
    const messages = [];
    Object.keys(errors || {}).forEach(function (key) {
      if (FORM_FIELDS.indexOf(key) !== -1) return;
      const value = errors[key];
      (Array.isArray(value) ? value : [value]).forEach(function (text) {
        if (text) messages.push(String(text));
      });
    });
    return messages;
  }

  function showRefusal(body, messages) {
    if (!messages.length) return;
    const box = document.createElement("div");
    box.className = "form-errors";
    box.setAttribute("role", "alert");
    messages.forEach(function (text) {
      const line = document.createElement("p");
      line.textContent = text;
      box.appendChild(line);
    });
    const heading = body.querySelector("h2");
    if (heading) heading.after(box);
    else body.prepend(box);
  }

  async function openPrompt(url, errors) {
    const separator = url.indexOf("?") === -1 ? "?" : "&";
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    const response = await fetch(url + separator + "next=" + next, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (!response.ok) {
      window.location.href = url.replace("partial=1", "");
      return;
    }
    const body = dialog.querySelector(".move-dialog-body");
    body.innerHTML = await response.text();
    showRefusal(body, refusalOf(errors));
    // the prompt posts through htmx, so a refusal stays in the dialog
    if (window.htmx) window.htmx.process(body);
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
      const first = body.querySelector("input:not([type=hidden]), select, textarea, button");
      if (first) first.focus();
    } else {
      window.location.href = url.replace("partial=1", "");
    }
  }

  async function move(card, column) {
    const form = new FormData();
    form.append("stage", column.dataset.stage);
    form.append("version", card.dataset.version);
    card.classList.add("moving");
    let response;
    let data = {};
    try {
      response = await fetch(card.dataset.moveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: form,
      });
      data = await response.json();
    } catch (error) {
      card.classList.remove("moving");
      say("The move could not be sent. Check the connection and try again.");
      return;
    }
    card.classList.remove("moving");
    if (response.ok) {
      say(data.message || "Moved.");
      refreshBoard();
      return;
    }
    if (data.prompt_url) {
      openPrompt(data.prompt_url, data.errors);
      return;
    }
    const errors = data.errors || {};
    const first = Object.values(errors)[0];
    say(Array.isArray(first) ? first.join(" ") : "The deal could not be moved.");
    window.alert(Array.isArray(first) ? first.join(" ") : "The deal could not be moved.");
  }

  boardRoot.addEventListener("dragstart", function (event) {
    const card = event.target.closest && event.target.closest(".deal-card");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.deal);
  });

  boardRoot.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    boardRoot.querySelectorAll(".drop-target").forEach(function (el) {
      el.classList.remove("drop-target");
    });
  });

  boardRoot.addEventListener("dragover", function (event) {
    const column = columnOf(event.target);
    if (!column || !dragged || column.dataset.stage === dragged.dataset.stage) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("drop-target");
  });

  boardRoot.addEventListener("dragleave", function (event) {
    const column = columnOf(event.target);
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });

  boardRoot.addEventListener("drop", function (event) {
    const column = columnOf(event.target);
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("drop-target");
    if (column.dataset.stage !== dragged.dataset.stage) move(dragged, column);
  });

  if (dialog) {
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target.closest("[data-close]")) {
        event.preventDefault();
        dialog.close();
      }
    });
  }
})();
