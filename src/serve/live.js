/* Folio live reload. Added by `folio serve` to every HTML page it serves;
   never written to the output directory. Reloads the page after a rebuild
   that changed it (keeping the scroll position) and shows what went wrong
   in an overlay while a rebuild has problems. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.EventSource || !window.JSON) return;
  var generation = me.getAttribute("data-generation");
  var file = me.getAttribute("data-file");
  var missing = me.getAttribute("data-missing") === "1";
  var scrollKey = "folio-scroll:" + location.pathname;
  var source = null;

  function restoreScroll() {
    var saved = null;
    try {
      saved = sessionStorage.getItem(scrollKey);
      sessionStorage.removeItem(scrollKey);
    } catch (e) { return; }
    if (!saved) return;
    var xy = saved.split(",");
    window.scrollTo(Number(xy[0]) || 0, Number(xy[1]) || 0);
  }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, Math.round(window.scrollX) + "," + Math.round(window.scrollY));
    } catch (e) { /* private mode: reload without the position */ }
    disconnect();
    location.reload();
  }

  /* Does a rebuild that wrote `paths` change what this page shows? Its own
     file, or anything that is not a page: navigation, theme, images. Not
     the search index: it is read when the reader searches, not shown. A
     404 page reloads on any rebuild: the page it stands for may exist now. */
  function concerns(paths) {
    if (missing) return true;
    return paths.some(function (p) {
      if (p.indexOf("_folio/search/") === 0) return false;
      return p === "*" || p === file || p.indexOf("_folio/") === 0 || !/\.(html|xml)$/.test(p);
    });
  }

  function showProblems(problems, stale) {
    var overlay = document.getElementById("folio-overlay");
    if (!problems || !problems.length) {
      if (overlay) overlay.parentNode.removeChild(overlay);
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "folio-overlay";
      overlay.setAttribute("role", "alert");
      document.body.appendChild(overlay);
    }
    var title = document.createElement("h2");
    title.textContent = stale
      ? "Folio could not rebuild everything; this is the last good version"
      : "Folio found " + problems.length + (problems.length === 1 ? " error" : " errors");
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p;
      list.appendChild(item);
    });
    overlay.textContent = "";
    overlay.appendChild(title);
    overlay.appendChild(list);
  }

  function on(name, handle) {
    source.addEventListener(name, function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      handle(data);
    });
  }

  function connect() {
    if (source) return;
    source = new EventSource("/__folio/events");
    on("hello", function (d) {
      if (d.generation !== generation) reload();
      else showProblems(d.problems, d.stale);
    });
    on("errors", function (d) { showProblems(d.problems, d.stale); });
    on("reload", function (d) {
      if (concerns(d.paths)) reload();
      else generation = d.generation;
    });
  }

  function disconnect() {
    if (source) source.close();
    source = null;
  }

  /* A browser keeps only a few connections per server; hidden tabs let go
     of theirs and catch up (reloading if they missed a rebuild) when shown. */
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) disconnect();
    else connect();
  });

  if (document.readyState === "complete") restoreScroll();
  else window.addEventListener("load", restoreScroll);
  if (!document.hidden) connect();
})();
