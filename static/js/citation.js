// "Kopier" for the citation box: an enhancement only. Without JavaScript the button stays
// hidden and the citation is plain text to select.
(function () {
  "use strict";

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentNode.querySelector(".citation__status");
    if (!target) {
      return;
    }
    var text = target.textContent;
    var done = function () {
      if (status) {
        status.textContent = "Kopiert.";
      }
    };
    var fallback = function () {
      selectText(target);
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (error) {
        copied = false;
      }
      if (status) {
        status.textContent = copied ? "Kopiert." : "Teksten er merket: trykk Ctrl+C (⌘C på Mac).";
      }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(button);
    });
  });
})();
