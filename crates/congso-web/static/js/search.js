// Instant search on /thu-tuc: as the user types or changes a filter, fetch the results fragment
// and replace the list. Without JavaScript the form submits normally; this only enhances it.
(function () {
  "use strict";
  var form = document.getElementById("proc-search");
  var target = document.getElementById("proc-results");
  if (!form || !target || !window.fetch || !window.URLSearchParams) { return; }
  var timer = null;
  var seq = 0;
  function query() {
    var params = new URLSearchParams(new FormData(form));
    params.forEach(function (value, key) { if (value === "") { params.delete(key); } });
    return params.toString();
  }
  function refresh() {
    var qs = query();
    var mine = ++seq;
    fetch(form.getAttribute("data-live") + (qs ? "?" + qs : ""), { headers: { "X-Partial": "1" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || mine !== seq) { return; }
        target.innerHTML = html;
        history.replaceState(null, "", "/thu-tuc" + (qs ? "?" + qs : ""));
      })
      .catch(function () { /* keep the current results; the form still works */ });
  }
  function later() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 200);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
})();
