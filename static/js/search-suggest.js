// Suggestions as you type in the header's search box: an enhancement only. Without JavaScript
// the box is a plain search form. The pattern is WAI-ARIA's combobox with a listbox popup:
// the focus stays in the text box, the arrow keys move the active option
// (aria-activedescendant), Enter opens it, Escape closes the list (and then clears the box),
// and a polite live region says how many suggestions there are.
(function () {
  "use strict";

  var MIN_LETTERS = 2;
  var DELAY_MS = 150;

  function setUp(form) {
    var input = form.querySelector("input[name='q']");
    var url = form.getAttribute("data-suggest-url");
    if (!input || !url) {
      return;
    }
    var listId = input.id + "-forslag";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "site-search__suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Forslag");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(list);
    form.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var options = [];
    var active = -1;
    var timer = null;
    var latest = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function activate(index) {
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
      } else {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function show(items) {
      list.textContent = "";
      options = items.map(function (item, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-url", item.adresse);
        var code = document.createElement("span");
        code.className = "site-search__suggestion-code";
        code.textContent = item.kode;
        option.appendChild(code);
        option.appendChild(document.createTextNode(" " + item.tittel));
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
        });
        option.addEventListener("click", function () {
          window.location.assign(item.adresse);
        });
        list.appendChild(option);
        return option;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = options.length + " forslag" +
          ". Bruk pil ned for å velge, Enter for å åpne.";
      } else {
        close();
        status.textContent = "";
      }
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      if (text.replace(/[^\p{L}\p{N}]/gu, "").length < MIN_LETTERS) {
        show([]);
        return;
      }
      var request = ++latest;
      fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { forslag: [] };
        })
        .then(function (data) {
          if (request === latest && document.activeElement === input) {
            show(data.forslag || []);
          }
        })
        .catch(function () {
          show([]);
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          fetchSuggestions();
          return;
        }
        activate(active + 1 < options.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        if (open) {
          event.preventDefault();
          activate(active > 0 ? active - 1 : options.length - 1);
        }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          window.location.assign(options[active].getAttribute("data-url"));
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 0);
    });
  }

  document.querySelectorAll("form[data-suggest-url]").forEach(setUp);
})();
