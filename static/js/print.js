// «Skriv ut» and the running head of a printout: an enhancement only. Without JavaScript
// the button stays hidden (the browser's own print still works) and the printout's head
// shows the portal's name instead of the document, its edition and the print date.
(function () {
  "use strict";

  var sheet = null;

  // Runs when the page is about to be printed, not on load: nothing to do for a reader who
  // never prints.
  function setRunningHead() {
    var source = document.querySelector("[data-running-head]");
    if (!source || !window.CSSStyleSheet) {
      return;
    }
    var today = new Date().toLocaleDateString("nb-NO", {
      day: "numeric",
      month: "long",
      year: "numeric",
    });
    var head = source.getAttribute("data-running-head") + " · Skrevet ut " + today;
    // A CSS string for the page-margin boxes of print.css, quotes and backslashes escaped.
    // A constructed stylesheet, not a style="" attribute: the strict CSP allows it.
    var css =
      ':root { --print-running-head: "' +
      head.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, " ") +
      '"; }';
    if (sheet === null) {
      sheet = new CSSStyleSheet();
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
    }
    sheet.replaceSync(css);
  }

  window.addEventListener("beforeprint", setRunningHead);

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
