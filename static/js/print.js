// «Skriv ut» and the running head of a printout: an enhancement only. Without JavaScript
// the button stays hidden (the browser's own print still works) and the printout's head
// shows the portal's name instead of the document, its edition and the print date.
(function () {
  "use strict";

  var actions = document.querySelector("[data-running-head]");
  if (actions) {
    var today = new Date().toLocaleDateString("nb-NO", {
      day: "numeric",
      month: "long",
      year: "numeric",
    });
    var head = actions.getAttribute("data-running-head") + " · Skrevet ut " + today;
    // A CSS string for the page-margin boxes of print.css, quotes and backslashes escaped.
    // A constructed stylesheet, not a style="" attribute: the strict CSP allows it.
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(
      ':root { --print-running-head: "' +
        head.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, " ") +
        '"; }'
    );
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
