/* Folio default behaviour: load the language's navigation once (written
   once per language, not into every page), mark the current page, the
   small-screen menu toggle, and remembering the reader's language. */
(function () {
  "use strict";
  var isExternal = /^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i;

  function loadNav() {
    var nav = document.getElementById("folio-nav");
    if (!nav || !nav.dataset.nav || !window.fetch) return;
    var root = nav.dataset.root || "./";
    fetch(nav.dataset.nav).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      var tpl = document.createElement("template");
      tpl.innerHTML = html;
      var here = location.pathname.replace(/index\.html$/, "");
      tpl.content.querySelectorAll("a[href]").forEach(function (a) {
        var href = a.getAttribute("href");
        if (!isExternal.test(href)) a.setAttribute("href", root + href);
        var path = new URL(a.getAttribute("href"), location.href).pathname.replace(/index\.html$/, "");
        if (path === here) {
          a.setAttribute("aria-current", "page");
          for (var el = a.parentElement; el; el = el.parentElement) {
            if (el.tagName === "DETAILS") el.open = true;
          }
        }
      });
      var home = nav.querySelector(".nav-home");
      nav.replaceChildren(tpl.content);
      if (home) nav.prepend(home);
      var current = nav.querySelector('[aria-current="page"]');
      if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest" });
    }).catch(function () { /* the inline trail and pager remain */ });
  }

  function menuToggle() {
    var button = document.querySelector(".nav-toggle");
    var nav = document.getElementById("folio-nav");
    if (!button || !nav) return;
    button.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function rememberLanguage() {
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[data-folio-lang]");
      if (!a) return;
      try { localStorage.setItem("folio-lang", a.getAttribute("data-folio-lang")); } catch (err) {}
    });
  }

  function start() { loadNav(); menuToggle(); rememberLanguage(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
