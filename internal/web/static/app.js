// Firebreak: small progressive enhancements. Pages work without this file.
(function () {
  "use strict";

  var two = function (n) { return (n < 10 ? "0" : "") + n; };
  var dayFmt = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", year: "numeric" });

  // Show times in the reader's own time zone; the server writes UTC.
  function localize(root) {
    var els = (root || document).querySelectorAll("time[datetime]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.dataset.local) continue;
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d)) continue;
      var text = el.textContent.trim();
      var hm = two(d.getHours()) + ":" + two(d.getMinutes());
      if (/^\d\d:\d\d$/.test(text)) {
        el.textContent = hm;
      } else if (/UTC$/.test(text)) {
        el.textContent = dayFmt.format(d) + ", " + hm;
      }
      el.title = d.toString();
      el.dataset.local = "1";
    }
  }

  document.addEventListener("DOMContentLoaded", function () { localize(document); });
  document.addEventListener("htmx:load", function (e) { localize(e.detail.elt); });

  // A live dot on pages that follow changes.
  document.addEventListener("htmx:sseOpen", function (e) {
    document.documentElement.classList.add("is-live");
  });
  document.addEventListener("htmx:sseError", function () {
    document.documentElement.classList.remove("is-live");
  });

  // Select a freshly created token with one click.
  document.addEventListener("focusin", function (e) {
    if (e.target.classList && e.target.classList.contains("token-value")) e.target.select();
  });
})();
