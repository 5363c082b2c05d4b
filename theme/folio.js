/* Folio default behaviour: the small-screen menu toggle, the current
   sidebar entry in view, remembering the reader's language, copy buttons
   for task links, and the task index's filters and sorting. Everything
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

  var COPY_ICON = '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.5">' +
    '<rect x="5.5" y="5.5" width="8.5" height="8.5" rx="1.5"/><path d="M3.5 10.5h-1a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h7a1 1 0 0 1 1 1v1"/></svg>';

  /* A copy button beside each task ID link (the link itself is the
     no-script way to the row's address). */
  function copyLinks() {
    var article = document.querySelector("article.content");
    if (!article || !navigator.clipboard) return;
    var label = article.dataset.copyLink || "Copy link";
    var done = article.dataset.copied || "Link copied";
    article.querySelectorAll("a.task-link").forEach(function (a) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-link";
      button.innerHTML = COPY_ICON;
      var named = label + " " + a.hash.replace(/^#task-/, "");
      button.title = label;
      button.setAttribute("aria-label", named);
      button.addEventListener("click", function () {
        var url = location.href.split("#")[0] + a.hash;
        navigator.clipboard.writeText(url).then(function () {
          button.classList.add("copied");
          button.title = done;
          button.setAttribute("aria-label", done);
          setTimeout(function () {
            button.classList.remove("copied");
            button.title = label;
            button.setAttribute("aria-label", named);
          }, 1500);
        }, function () { /* the link stays */ });
      });
      a.after(button);
    });
  }

  /* The task index: filters and sortable columns over the complete table
     the page already is; the filters are kept in the address. */
  function taskIndex() {
    var form = document.querySelector("form.task-filters");
    var table = document.querySelector("table.task-index-table");
    if (!form || !table || !table.tBodies[0]) return;
    var body = table.tBodies[0];
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var column = {};
    heads.forEach(function (th, i) { column[th.dataset.key] = i; });
    var split = /\s*[\/,;、，]\s*/;
    var rows = Array.prototype.map.call(body.rows, function (tr) {
      var text = function (key) { var c = tr.cells[column[key]]; return c ? c.textContent.trim() : ""; };
      return {
        tr: tr, req: tr.dataset.req || "", role: text("role"), phase: text("phase"),
        services: text("services").split(split).filter(Boolean),
        all: tr.textContent.toLowerCase()
      };
    });
    fillSelect(form, "role", unique(rows.map(function (r) { return r.role; })).sort(compare));
    fillSelect(form, "services", unique([].concat.apply([], rows.map(function (r) { return r.services; }))).sort(compare));
    fillSelect(form, "phase", unique(rows.map(function (r) { return r.phase; })));
    var inputs = form.querySelectorAll("[data-filter]");
    var params = new URLSearchParams(location.search);
    inputs.forEach(function (el) { if (params.has(el.dataset.filter)) el.value = params.get(el.dataset.filter); });
    var count = form.querySelector(".task-count");
    var empty = document.querySelector(".task-empty");
    function apply() {
      var want = {};
      var query = new URLSearchParams();
      inputs.forEach(function (el) {
        want[el.dataset.filter] = el.value;
        if (el.value) query.set(el.dataset.filter, el.value);
      });
      var text = (want.text || "").trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (r) {
        var ok = (!want.req || r.req === want.req) && (!want.role || r.role === want.role) &&
          (!want.phase || r.phase === want.phase) &&
          (!want.services || r.services.indexOf(want.services) >= 0) &&
          (!text || r.all.indexOf(text) >= 0);
        r.tr.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = form.dataset.showing + " " + shown + " " + form.dataset.of + " " + rows.length;
      if (empty) empty.hidden = shown > 0;
      var search = query.toString();
      if (history.replaceState) history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
    }
    inputs.forEach(function (el) { el.addEventListener(el.tagName === "INPUT" ? "input" : "change", apply); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    sortable(table, heads, rows, form.dataset.sortBy || "Sort by");
    if (window.matchMedia && window.matchMedia("(max-width: 50rem)").matches) cards(table, heads);
    form.hidden = false;
    apply();
  }

  function unique(values) {
    var seen = {};
    return values.filter(function (v) { if (!v || seen[v]) return false; seen[v] = true; return true; });
  }
  function compare(a, b) { return a.localeCompare(b); }

  function fillSelect(form, name, values) {
    var select = form.querySelector('select[data-filter="' + name + '"]');
    if (!select) return;
    values.forEach(function (v) {
      var option = document.createElement("option");
      option.value = v;
      option.textContent = v;
      select.appendChild(option);
    });
  }

  function sortable(table, heads, rows, sortBy) {
    var body = table.tBodies[0];
    heads.forEach(function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      button.title = sortBy + " " + th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var key = function (r) { var c = r.tr.cells[i]; return c ? c.textContent.trim() : ""; };
        var numeric = th.dataset.key === "id";
        var sorted = rows.slice().sort(function (a, b) {
          var x = key(a), y = key(b);
          var d = numeric ? (parseInt(x, 10) || 0) - (parseInt(y, 10) || 0) : x.localeCompare(y);
          return ascending ? d : -d;
        });
        var fragment = document.createDocumentFragment();
        sorted.forEach(function (r) { fragment.appendChild(r.tr); });
        body.appendChild(fragment);
      });
    });
  }

  /* Phones: each row a card, its cells labelled by their column. */
  function cards(table, heads) {
    var labels = heads.map(function (th) { return th.textContent; });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
      Array.prototype.forEach.call(tr.cells, function (td, i) { td.setAttribute("data-label", labels[i]); });
    });
    table.classList.add("cards");
  }

  function start() { showCurrent(); menuToggle(); rememberLanguage(); copyLinks(); taskIndex(); }
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
