// The meeting view's timebox: counts down to data-end (set once the IM
// starts the meeting) and turns red past it. The server decides the end;
// this only shows it.
(function () {
  function tick() {
    var box = document.getElementById("timebox");
    if (!box || !box.dataset.end) return;
    var out = box.querySelector(".pm-countdown");
    if (!out) return;
    var left = Math.round((Date.parse(box.dataset.end) - Date.now()) / 1000);
    var sign = left < 0 ? "-" : "";
    var s = Math.abs(left);
    var m = Math.floor(s / 60), r = s % 60;
    out.textContent = sign + m + ":" + (r < 10 ? "0" : "") + r;
    box.classList.toggle("pm-over", left < 0);
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
})();
