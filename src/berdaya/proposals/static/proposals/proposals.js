// Proposals filing form, with JavaScript: rows are removed in the page (no reload, the chosen letter file stays),
// Enter in the search box searches instead of posting the form, and a household is added only once.
(function () {
  "use strict";

  function rowExists(pk) {
    return document.querySelector('#item-rows tr[data-household="' + pk + '"]') !== null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-remove-row]");
    if (!button) return;
    event.preventDefault();
    var row = button.closest("tr");
    if (row) row.remove();
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.matches || !input.matches("input[data-household-search]")) return;
    event.preventDefault();
    if (window.htmx) window.htmx.trigger(input, "search");
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var pk = event.detail.elt.getAttribute("data-add-household");
    if (pk && rowExists(pk)) event.preventDefault();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.hasAttribute("data-add-household") && event.detail.successful) {
      elt.disabled = true;
      var row = document.querySelector('#item-rows tr[data-household="' + elt.getAttribute("data-add-household") + '"]');
      var input = row && row.querySelector("input[type=text], select");
      if (input) input.focus();
    }
  });
})();
