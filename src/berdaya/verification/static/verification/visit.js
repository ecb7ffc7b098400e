/* Verval visit form (loaded with defer; no inline script under the strict CSP).
 * 1. Shows only the sections that matter for the chosen outcome (elements with data-for="outcome ..."): the others
 *    are hidden and their inputs disabled, so they are not sent. Without JavaScript every section shows and the
 *    server ignores the ones that do not apply.
 * 2. "Ambil lokasi" fills the hidden latitude/longitude/accuracy fields from navigator.geolocation.
 */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }

  var sections = form.querySelectorAll("[data-for]");

  function chosenOutcome() {
    var checked = form.querySelector('input[name="outcome"]:checked');
    return checked ? checked.value : "";
  }

  function showSections() {
    var outcome = chosenOutcome();
    sections.forEach(function (section) {
      var wanted = section.getAttribute("data-for").split(" ");
      var hide = wanted.indexOf(outcome) === -1;
      section.hidden = hide;
      section.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = hide;
      });
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "outcome") { showSections(); }
  });
  showSections();

  var button = document.getElementById("get-location");
  var status = document.getElementById("location-status");
  if (!button || !("geolocation" in navigator)) { return; }
  button.hidden = false;

  function setField(name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (input) { input.value = value; }
  }

  button.addEventListener("click", function () {
    status.textContent = button.getAttribute("data-waiting");
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      setField("latitude", c.latitude.toFixed(6));
      setField("longitude", c.longitude.toFixed(6));
      setField("accuracy", Math.round(c.accuracy));
      status.textContent = button.getAttribute("data-done") + ": " + c.latitude.toFixed(6) + ", " +
        c.longitude.toFixed(6) + " (\u00b1" + Math.round(c.accuracy) + " m)";
      button.disabled = false;
    }, function (error) {
      status.textContent = button.getAttribute("data-failed") + " (" + error.message + ")";
      button.disabled = false;
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });
}());
