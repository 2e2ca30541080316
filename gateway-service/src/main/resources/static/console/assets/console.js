// relops console: live updates over server-sent events. An element with data-stream subscribes to
// that URL; on its data-event it either takes the pushed HTML (the release rows) or, when it has
// data-refresh, reloads that fragment with htmx (a release's state, actions and timeline).
(function () {
  "use strict";
  function connect(el) {
    var source = new EventSource(el.getAttribute("data-stream"));
    function show(text, off) {
      var status = document.querySelector("[data-live-status]");
      if (status) { status.textContent = text; status.classList.toggle("off", off); }
    }
    source.addEventListener("open", function () { show("live", false); });
    source.addEventListener("error", function () { show("reconnecting", true); });
    var refresh = el.getAttribute("data-refresh");
    var pending = false;
    // never replace a form the user is typing into: refresh once they leave it empty, or on submit
    function typing() {
      return Array.prototype.some.call(el.querySelectorAll("input:not([type=hidden]), textarea"), function (input) {
        return input === document.activeElement || input.value !== "";
      });
    }
    function reload() {
      if (typing()) { pending = true; return; }
      pending = false;
      htmx.ajax("GET", refresh, { target: el, swap: "innerHTML" });
    }
    el.addEventListener("focusout", function () { if (pending) { setTimeout(reload, 0); } });
    source.addEventListener(el.getAttribute("data-event"), function (event) {
      if (refresh) {
        reload();
      } else {
        el.innerHTML = event.data;
      }
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-stream]").forEach(connect);
  });
})();
