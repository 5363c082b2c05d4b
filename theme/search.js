/* Folio search: the language's static index (_folio/search/<lang>/),
   loaded as <script> files (which file:// allows, unlike fetch), searched
   here. The tokenizer below is a direct port of src/search/tokenize.rs:
   keep the two identical. Everything shown is set as text, never HTML. */
(function () {
  "use strict";

  var MAX_RESULTS = 10;
  var MAX_TOKENS = 12;

  /* ---- tokenizer: a port of src/search/tokenize.rs ---- */
  var WORD_CHAR = /[\p{Alphabetic}\p{N}\p{M}]/u;

  function isCjk(cp) {
    return (cp >= 0x3005 && cp <= 0x3007) || (cp >= 0x3040 && cp <= 0x30ff) ||
      (cp >= 0x31f0 && cp <= 0x31ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xff66 && cp <= 0xff9f) || (cp >= 0x20000 && cp <= 0x2fa1f);
  }

  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").normalize("NFC")
      .toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ");
  }

  function tokens(text) {
    var out = [];
    var run = "";
    var chars = Array.from(text);
    for (var i = 0; i <= chars.length; i++) {
      var c = chars[i];
      if (c !== undefined && WORD_CHAR.test(c)) { run += c; continue; }
      if (run) runTokens(run, out);
      run = "";
    }
    return out;
  }

  function runTokens(run, out) {
    var folded = Array.from(fold(run));
    var piece = [];
    var cjk = null;
    for (var i = 0; i <= folded.length; i++) {
      var c = folded[i];
      var this_ = c === undefined ? null : isCjk(c.codePointAt(0));
      if (cjk !== null && this_ !== cjk) {
        if (cjk) bigrams(piece, out);
        else out.push({ word: piece.join(""), cjk: false });
        piece = [];
      }
      if (c !== undefined) piece.push(c);
      cjk = this_;
    }
  }

  function bigrams(chars, out) {
    if (chars.length === 1) { out.push({ word: chars[0], cjk: true }); return; }
    for (var i = 0; i + 1 < chars.length; i++) out.push({ word: chars[i] + chars[i + 1], cjk: true });
  }

  /* ---- sharding: src/search/mod.rs shard_key and shard_of ---- */
  function shardKey(term) {
    var chars = Array.from(term);
    if (!chars.length) return term;
    if (isCjk(chars[0].codePointAt(0))) return chars[0];
    return chars.slice(0, 2).join("");
  }

  function shardOf(term, shards) {
    var bytes = new TextEncoder().encode(shardKey(term));
    var hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash % Math.max(1, shards);
  }

  /* ---- loading index files as scripts ---- */
  var loaded = {};
  var waiting = {};
  window.folioSearch = window.folioSearch || {
    add: function (kind, lang, n, data) {
      var key = kind + "/" + lang + "/" + n;
      loaded[key] = data;
      if (waiting[key]) { waiting[key].resolve(data); }
    }
  };

  function load(base, lang, kind, n) {
    var key = kind + "/" + lang + "/" + n;
    if (loaded[key] !== undefined) return Promise.resolve(loaded[key]);
    if (waiting[key]) return waiting[key].promise;
    var entry = {};
    entry.promise = new Promise(function (resolve, reject) {
      entry.resolve = resolve;
      var script = document.createElement("script");
      script.src = base + (kind === "m" ? "meta" : kind + n) + ".js";
      script.async = true;
      script.onerror = function () { delete waiting[key]; reject(new Error(script.src)); };
      document.head.appendChild(script);
    });
    waiting[key] = entry;
    return entry.promise;
  }

  /* ---- matching ---- */
  /* Postings: each page as the difference from the previous one × 2, + 1
     when the term is in its title or a heading. A stem's postings are 0
     when they are the same word's. */
  function postings(list, shard, key, into, score) {
    if (list === 0) list = shard.w[key];
    if (!list) return;
    var doc = 0;
    for (var i = 0; i < list.length; i++) {
      doc += list[i] >> 1;
      var s = score * (list[i] & 1 ? 2 : 1);
      if ((into.get(doc) || 0) < s) into.set(doc, s);
    }
  }

  /* Pages (doc → best score) for one query token, and the index terms it
     matched (for choosing the section and highlighting). */
  function matchToken(tok, shard) {
    var into = new Map();
    var keys = [];
    var q = tok.word;
    var qLen = Array.from(q).length;
    Object.keys(shard.w).forEach(function (w) {
      var score = w === q ? 4 : qLen >= 2 && w.indexOf(q) === 0 ? 2 : 0;
      if (score) { postings(shard.w[w], shard, w, into, score); keys.push(w); }
    });
    if (!tok.cjk) {
      Object.keys(shard.s).forEach(function (s) {
        var sLen = Array.from(s).length;
        var inflection = q.indexOf(s) === 0 && sLen >= 3 && qLen - sLen <= 4;
        if (s === q || inflection) { postings(shard.s[s], shard, s, into, 3); keys.push(s); }
      });
    }
    keys.sort(function (a, b) { return a.length - b.length; });
    return { docs: into, keys: [q].concat(keys.slice(0, 20)) };
  }

  function rank(perToken) {
    var results = [];
    perToken[0].docs.forEach(function (_, doc) {
      var total = 0;
      for (var i = 0; i < perToken.length; i++) {
        var score = perToken[i].docs.get(doc);
        if (!score) return;
        total += score;
      }
      results.push({ doc: doc, score: total });
    });
    results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return results;
  }

  /* The section to link: the one whose heading, then text, holds the
     most of the query's terms (the page top when none does). */
  function bestSection(sections, perToken) {
    var best = 0;
    var bestScore = 0;
    sections.forEach(function (section, i) {
      var heading = fold(section[1]);
      var text = fold(section[2]);
      var score = 0;
      perToken.forEach(function (m) {
        if (m.keys.some(function (k) { return heading.indexOf(k) >= 0; })) score += 3;
        else if (m.keys.some(function (k) { return text.indexOf(k) >= 0; })) score += 1;
      });
      if (score > bestScore) { best = i; bestScore = score; }
    });
    return sections[best] || ["", "", ""];
  }

  function run(base, lang, query) {
    var toks = [];
    var seen = {};
    tokens(query).forEach(function (t) {
      if (!seen[t.word] && toks.length < MAX_TOKENS) { seen[t.word] = true; toks.push(t); }
    });
    if (!toks.length) return Promise.resolve({ results: [], total: 0, keys: [] });
    return load(base, lang, "m", 0).then(function (meta) {
      return Promise.all(toks.map(function (t) {
        return load(base, lang, "t", shardOf(t.word, meta.shards));
      })).then(function (shards) {
        var perToken = toks.map(function (t, i) { return matchToken(t, shards[i]); });
        var ranked = rank(perToken);
        var keys = [].concat.apply([], perToken.map(function (m) { return m.keys; }));
        return Promise.all(ranked.slice(0, MAX_RESULTS).map(function (r) {
          return load(base, lang, "d", Math.floor(r.doc / meta.chunk)).then(function (chunk) {
            var page = chunk[r.doc % meta.chunk];
            return { page: page, section: bestSection(page[2], perToken) };
          });
        })).then(function (results) { return { results: results, total: ranked.length, keys: keys }; });
      });
    });
  }

  /* ---- snippets ---- */
  /* The section text around the first match, as text nodes and <mark>s. */
  function snippet(text, keys) {
    var chars = Array.from(text);
    var folded = "";
    var at = [];
    chars.forEach(function (c, i) {
      var f = fold(c);
      for (var k = 0; k < f.length; k++) at.push(i);
      folded += f;
    });
    var marks = [];
    keys.forEach(function (key) {
      var from = 0;
      for (;;) {
        var i = folded.indexOf(key, from);
        if (i < 0 || marks.length > 50) break;
        marks.push([at[i], at[i + key.length - 1] + 1]);
        from = i + key.length;
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var start = marks.length ? Math.max(0, marks[0][0] - 40) : 0;
    var end = Math.min(chars.length, start + 180);
    var frag = document.createDocumentFragment();
    var pos = start;
    if (start > 0) frag.append("…");
    marks.forEach(function (m) {
      if (m[0] < pos || m[0] >= end) return;
      frag.append(chars.slice(pos, m[0]).join(""));
      var mark = document.createElement("mark");
      mark.textContent = chars.slice(m[0], Math.min(m[1], end)).join("");
      frag.append(mark);
      pos = Math.min(m[1], end);
    });
    frag.append(chars.slice(pos, end).join(""));
    if (end < chars.length) frag.append("…");
    return frag;
  }

  function href(root, page, anchor) {
    var url = page[0].split("/").map(encodeURIComponent).join("/");
    if (location.protocol === "file:") url += "index.html";
    return root + url + (anchor ? "#" + encodeURIComponent(anchor) : "");
  }

  /* ---- the combobox ---- */
  function setUp(box) {
    var lang = box.dataset.lang || "en";
    /* The page's language's words, from Folio's interface strings. */
    var words = {
      none: box.dataset.none || "No results",
      one: box.dataset.one || "1 result",
      many: box.dataset.many || "{n} results"
    };
    var input = box.querySelector("input");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector("[role=status]");
    box.hidden = false;
    var active = -1;
    var generation = 0;
    var timer = null;

    function options() { return list.querySelectorAll("[role=option]"); }

    function setActive(i) {
      var opts = options();
      if (!opts.length) { active = -1; input.removeAttribute("aria-activedescendant"); return; }
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function show(found) {
      list.replaceChildren();
      found.results.forEach(function (r, i) {
        var li = document.createElement("li");
        /* A colon: no heading id has one (see src/markdown/slug.rs). */
        li.id = "folio-search:" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var a = document.createElement("a");
        a.href = href(box.dataset.root || "./", r.page, r.section[0]);
        a.tabIndex = -1;
        var title = document.createElement("span");
        title.className = "folio-search-title";
        title.textContent = r.page[1];
        a.append(title);
        if (r.section[0] && r.section[1]) {
          var heading = document.createElement("span");
          heading.className = "folio-search-heading";
          heading.textContent = r.section[1];
          a.append(heading);
        }
        var text = r.section[2] || "";
        if (text) {
          var snip = document.createElement("span");
          snip.className = "folio-search-snippet";
          snip.append(snippet(text, found.keys));
          a.append(snip);
        }
        li.append(a);
        list.append(li);
      });
      var n = found.total;
      status.textContent = n === 0 ? words.none : n === 1 ? words.one : words.many.replace("{n}", n);
      if (found.results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
        input.removeAttribute("aria-activedescendant");
      } else {
        close();
      }
    }

    function search() {
      var query = input.value;
      var mine = ++generation;
      if (!query.trim()) { list.replaceChildren(); close(); status.textContent = ""; return; }
      run(box.dataset.index, lang, query).then(function (found) {
        if (mine === generation) show(found);
      }).catch(function () {
        if (mine === generation) { list.replaceChildren(); close(); status.textContent = words.none; }
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 60);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (list.hidden && options().length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        setActive(active < 0 && e.key === "ArrowUp" ? -1 : active + (e.key === "ArrowDown" ? 1 : -1));
        e.preventDefault();
      } else if (e.key === "Enter") {
        var opts = options();
        var pick = opts[active >= 0 ? active : 0];
        if (pick && !list.hidden) { e.preventDefault(); location.href = pick.querySelector("a").href; }
      } else if (e.key === "Escape") {
        if (!list.hidden) close();
        else { input.value = ""; status.textContent = ""; input.blur(); }
        e.preventDefault();
      }
    });
    input.addEventListener("focus", function () {
      if (options().length && input.value.trim()) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
    });
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    document.addEventListener("click", function (e) { if (!box.contains(e.target)) close(); });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
  }

  function start() {
    var box = document.querySelector(".folio-search");
    if (box && window.Promise && window.TextEncoder) setUp(box);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  window.folioSearch.tokens = tokens;
})();
