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

/* Reading experience (issue 13): the theme toggle, dates in the page's
   language, heading permalinks that copy their URL, and Escape / outside
   clicks closing the language menu and the mobile menu. */
(function () {
  "use strict";
  var root = document.documentElement;

  function themeToggle() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var labels = (button.getAttribute("data-theme-labels") || "Theme|System|Light|Dark").split("|");
    var names = { system: labels[1], light: labels[2], dark: labels[3] };
    function current() {
      var t = root.getAttribute("data-theme");
      return t === "light" || t === "dark" ? t : "system";
    }
    function show(choice) {
      var text = labels[0] + ": " + names[choice];
      button.setAttribute("aria-label", text);
      button.setAttribute("title", text);
      button.setAttribute("data-choice", choice);
    }
    button.hidden = false;
    show(current());
    button.addEventListener("click", function () {
      var next = { system: "light", light: "dark", dark: "system" }[current()];
      if (next === "system") root.removeAttribute("data-theme");
      else root.setAttribute("data-theme", next);
      try {
        if (next === "system") localStorage.removeItem("folio-theme");
        else localStorage.setItem("folio-theme", next);
      } catch (e) { /* private mode: the choice lasts for this page */ }
      show(next);
    });
  }

  // ISO dates stay in the markup (and are what readers without script see).
  function localDates() {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    var format;
    try {
      format = new Intl.DateTimeFormat(root.lang || undefined, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
    } catch (e) { return; }
    document.querySelectorAll("time[data-folio-date]").forEach(function (t) {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t.getAttribute("datetime") || "");
      if (!m) return;
      t.textContent = format.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
    });
  }

  function announce(text) {
    var live = document.getElementById("folio-status");
    if (!live) {
      live = document.createElement("div");
      live.id = "folio-status";
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      document.body.appendChild(live);
    }
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);
  }

  // The link still moves to its heading; the URL is also copied.
  function copyPermalinks() {
    var copied = document.querySelector(".theme-toggle");
    var message = (copied && copied.getAttribute("data-copied")) || "";
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a.heading-anchor");
      if (!a || !navigator.clipboard || !window.isSecureContext) return;
      var url = location.href.split("#")[0] + a.getAttribute("href");
      navigator.clipboard.writeText(url).then(function () {
        a.classList.add("copied");
        setTimeout(function () { a.classList.remove("copied"); }, 1500);
        announce(a.getAttribute("data-copied") || message || "✓");
      }, function () { /* no permission: the address bar has the URL */ });
    });
  }

  function closeMenus() {
    // The language menu, and any disclosure a template marks as a menu.
    function menus() { return document.querySelectorAll("details.lang-menu[open], details[data-folio-menu][open]"); }
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      menus().forEach(function (d) {
        d.open = false;
        var s = d.querySelector("summary");
        if (s && d.contains(document.activeElement)) s.focus();
      });
      var toggle = document.querySelector('.nav-toggle[aria-expanded="true"]');
      if (toggle) { toggle.click(); toggle.focus(); }
    });
    document.addEventListener("click", function (e) {
      menus().forEach(function (d) { if (!d.contains(e.target)) d.open = false; });
    });
  }

  function start() { themeToggle(); localDates(); copyPermalinks(); closeMenus(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
