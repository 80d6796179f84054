/* The editors' admin: keyboard use of the element list and the live preview of the body text.
   Everything here is an improvement on pages that work without it. */
(function () {
  "use strict";

  // django-mptt's list answers Enter on a row by opening the row's first link, even when
  // the key was meant for a link or button inside the row ("Flytt opp", "Legg til under").
  // Keys aimed at such a control stop here, before they reach the row.
  function keepKeysOnControls() {
    var list = document.getElementById("result_list");
    if (!list) return;
    list.addEventListener(
      "keydown",
      function (event) {
        if (event.target.closest && event.target.closest("a, button, input, select, textarea")) {
          event.stopPropagation();
        }
      },
      true
    );
  }

  // The preview under the body text, drawn again by the server (the same Markdown and
  // sanitising as the public page) a moment after the editor stops typing.
  function livePreview(section) {
    var textarea = document.getElementById(section.dataset.source);
    var content = section.querySelector(".markdown-preview__content");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!textarea || !content || !token) return;
    var timer = null;
    var sent = 0;
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var number = ++sent;
        var data = new FormData();
        data.append("tekst", textarea.value);
        data.append("element", section.dataset.element || "");
        fetch(section.dataset.previewUrl, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-CSRFToken": token.value },
        })
          .then(function (response) {
            return response.ok ? response.text() : null;
          })
          .then(function (html) {
            // Only the answer to the latest request: an older one may arrive last.
            if (html !== null && number === sent) content.innerHTML = html;
          })
          .catch(function () {});
      }, 300);
    });
  }

  function start() {
    keepKeysOnControls();
    document.querySelectorAll(".markdown-preview[data-preview-url]").forEach(livePreview);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
