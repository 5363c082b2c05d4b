/* Folio default behaviour: the small-screen menu toggle, the current
   sidebar entry in view, and remembering the reader's language. Everything
   works without it. */
(function () {
  "use strict";
  /* Sidebar (issue 13): the tree is in the page; show the current entry,
     and make the Menu link (which opens the sidebar by :target without
     JavaScript) a toggle that Escape closes. */
  function showCurrent() {
    var current = document.querySelector('#folio-nav [aria-current="page"]');
    if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest" });
  }

  function menuToggle() {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("folio-nav");
    if (!toggle || !nav) return;
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");
    function set(open, focus) {
      nav.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open && location.hash === "#folio-nav") history.replaceState(null, "", location.pathname + location.search);
      if (open && focus) { var first = nav.querySelector("a[href]:not(.nav-close)"); if (first) first.focus(); }
      if (!open && focus) toggle.focus();
    }
    toggle.addEventListener("click", function (e) {
      e.preventDefault();
      set(!nav.classList.contains("open"), false);
    });
    toggle.addEventListener("keydown", function (e) {
      if (e.key === " ") { e.preventDefault(); set(!nav.classList.contains("open"), false); }
    });
    var close = nav.querySelector(".nav-close");
    if (close) close.addEventListener("click", function (e) { e.preventDefault(); set(false, true); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && (nav.classList.contains("open") || location.hash === "#folio-nav")) set(false, true);
    });
  }

  function rememberLanguage() {
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[data-folio-lang]");
      if (!a) return;
      try { localStorage.setItem("folio-lang", a.getAttribute("data-folio-lang")); } catch (err) {}
    });
  }

  function start() { showCurrent(); menuToggle(); rememberLanguage(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
