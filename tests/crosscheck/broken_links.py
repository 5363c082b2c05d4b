#!/usr/bin/env python3
"""Independent broken-relative-link finder for a DocFX-style Markdown site.

Written from first principles (CommonMark-ish rules, stdlib only) to
cross-check the Rust tool's link checker.  It deliberately shares no code
or design with it.

Usage:
    python3 broken_links.py CONTENT_DIR [--exclude GLOB ...] [--json]
                            [--rejected]

Exit status: 0 = no problems, 1 = problems found, 2 = usage error.

Decisions on points the brief leaves open (keep in sync with README notes
in the cross-check report):
  * Line of a problem = line of the construct's start: the `[` of an inline
    link/image (or of `[!INCLUDE`), the `[` of a reference definition, the
    `<` of an HTML tag, the `:::image` opener.
  * Inline links follow CommonMark: a destination containing whitespace
    (unless `<...>`-wrapped) or followed by anything other than a quoted /
    parenthesised title makes the construct *not a link*, so it is not
    checked.  `--rejected` lists such constructs on stderr.
  * Link text may span lines, but not a blank line.  Code spans are matched
    per line only (as the brief says).
  * HTML comments `<!-- ... -->` are masked: nothing inside is a link.
  * A reference definition is recognised only at the start of a line
    (<= 3 spaces, optional `>` blockquote markers) and only where it cannot
    be a paragraph continuation (previous line blank, start of document,
    another definition, a heading, or a fence close).
  * Existence is checked against the real file system (hidden and
    --exclude'd files count as existing targets), but with *exact* name
    comparison via directory listings, so results are the same on
    case-insensitive file systems.
  * Includes must resolve to a file (no dir/index.md, no .html->.md); any
    unresolved include, including case-only mismatches and escapes from
    CONTENT_DIR, is category `include`.
  * A destination that is empty after stripping `#frag` / `?query` (e.g.
    `?tabs=x`) refers to the page itself and is OK.
  * Backslash escapes of ASCII punctuation and HTML entity references in
    destinations are decoded (CommonMark); a remaining `\\` is literal, not
    a path separator.
  * Summary "in F files" = number of files with at least one problem.
"""

import argparse
import bisect
import fnmatch
import html
import json
import os
import re
import sys
import urllib.parse

ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
FM_OPEN_RE = re.compile(r"^---[ \t]*$")
FM_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
# blockquote markers and indentation before a fence
FENCE_RE = re.compile(r"^((?:[ \t]*>)*[ \t]*)(`{3,}|~{3,})(.*)$")
ENTITY_RE = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")
INCLUDE_RE = re.compile(r"\[!include\s*\[", re.IGNORECASE)
HTML_TAG_RE = re.compile(
    r"<(a|img)"
    r"((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)"
    r"\s*/?>",
    re.IGNORECASE,
)
ATTR_RE = re.compile(
    r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?"
)
IMAGE_DIRECTIVE_RE = re.compile(r"(?m)^(?:[ \t]*>)*[ \t]*(:::image\b)(.*?):::", re.DOTALL)
HEADING_RE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
REFDEF_START_RE = re.compile(r"^((?:[ \t]*>)*[ \t]{0,3})\[")


class Link:
    __slots__ = ("offset", "dest", "kind")

    def __init__(self, offset, dest, kind):
        self.offset = offset  # character offset of construct start
        self.dest = dest  # raw destination as written (after unescaping)
        self.kind = kind  # 'link' or 'include'


# ---------------------------------------------------------------------------
# text preparation
# ---------------------------------------------------------------------------

def read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n")


def blank(s):
    """Replace every non-newline character by a space (keeps offsets/lines)."""
    return re.sub(r"[^\n]", " ", s)


def mask_blocks(text):
    """Mask front matter and fenced code blocks; returns list of lines."""
    lines = text.split("\n")
    out = list(lines)
    i = 0
    if lines and FM_OPEN_RE.match(lines[0]):
        for j in range(1, len(lines)):
            if FM_CLOSE_RE.match(lines[j]):
                for k in range(0, j + 1):
                    out[k] = blank(lines[k])
                i = j + 1
                break
    n = len(lines)
    while i < n:
        m = FENCE_RE.match(lines[i])
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            ch, flen = m.group(2)[0], len(m.group(2))
            close = re.compile(r"^(?:[ \t]*>)*[ \t]*" + re.escape(ch) + "{" + str(flen) + r",}[ \t]*$")
            j = i + 1
            while j < n and not close.match(lines[j]):
                j += 1
            end = min(j, n - 1)  # unclosed fence runs to end of document
            for k in range(i, end + 1):
                out[k] = blank(lines[k])
            i = end + 1
            continue
        i += 1
    return out


def is_escaped(s, pos):
    """True if s[pos] is preceded by an odd number of backslashes."""
    b = 0
    p = pos - 1
    while p >= 0 and s[p] == "\\":
        b += 1
        p -= 1
    return b % 2 == 1


def mask_code_spans(line):
    """Blank inline code spans (matching backtick runs on this line)."""
    runs = []
    i = 0
    n = len(line)
    while i < n:
        if line[i] == "`":
            j = i
            while j < n and line[j] == "`":
                j += 1
            runs.append((i, j - i, is_escaped(line, i)))
            i = j
        else:
            i += 1
    chars = list(line)
    k = 0
    while k < len(runs):
        start, length, esc = runs[k]
        if esc:
            # "\`" : the first backtick is literal, the rest form a run
            if length > 1:
                runs[k] = (start + 1, length - 1, False)
                continue
            k += 1
            continue
        match = None
        for m in range(k + 1, len(runs)):
            if runs[m][1] == length:
                match = m
                break
        if match is None:
            k += 1
            continue
        end = runs[match][0] + length
        for p in range(start, end):
            chars[p] = " "
        k = match + 1
    return "".join(chars)


def mask_comments(text):
    def rep(m):
        return blank(m.group(0))
    text = re.sub(r"<!--.*?-->", rep, text, flags=re.DOTALL)
    # unclosed comment opening an HTML block (line start): masks to the end
    # of the document, as a CommonMark type-2 HTML block would.  Mid-line
    # unclosed "<!--" is plain text.
    m = re.search(r"(?m)^ {0,3}<!--", text)
    if m:
        text = text[:m.start()] + blank(text[m.start():])
    return text


# ---------------------------------------------------------------------------
# destination helpers
# ---------------------------------------------------------------------------

def unescape_dest(s):
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in ASCII_PUNCT:
            out.append(s[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), "".join(out))


def parse_inline_dest(text, p, limit):
    """Parse `(dest "title")` where text[p] == '('.

    Returns (dest, end_offset_after_paren) or None if not a valid link tail.
    """
    n = limit
    i = p + 1

    def skip_ws(i, allow_nl=True):
        nl = 0
        while i < n and text[i] in " \t\n":
            if text[i] == "\n":
                nl += 1
                if nl > 1 or not allow_nl:
                    return None
            i += 1
        return i

    i = skip_ws(i)
    if i is None or i >= n:
        return None
    if text[i] == "<":
        j = i + 1
        while j < n:
            c = text[j]
            if c == "\\" and j + 1 < n:
                j += 2
                continue
            if c in "\n<":
                return None
            if c == ">":
                break
            j += 1
        else:
            return None
        raw = text[i + 1:j]
        i = j + 1
    else:
        j = i
        depth = 0
        while j < n:
            c = text[j]
            if c == "\\" and j + 1 < n and text[j + 1] in ASCII_PUNCT:
                j += 2
                continue
            if c in " \t\n" or ord(c) < 0x20:
                break
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            j += 1
        if depth != 0:
            return None
        raw = text[i:j]
        i = j
    # optional title
    k = skip_ws(i)
    if k is None or k >= n:
        return None
    if k > i and text[k] in "\"'(":
        closer = ")" if text[k] == "(" else text[k]
        t = k + 1
        while t < n:
            c = text[t]
            if c == "\\" and t + 1 < n:
                t += 2
                continue
            if c == closer:
                break
            if text.startswith("\n\n", t):
                return None
            t += 1
        else:
            return None
        k = skip_ws(t + 1)
        if k is None or k >= n:
            return None
    if text[k] != ")":
        return None
    return unescape_dest(raw), k + 1


def find_close_bracket(text, p, limit):
    """text[p] == '['.  Return index of the matching ']' or None."""
    depth = 0
    i = p
    while i < limit:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "\n" and text.startswith("\n\n", i):
            return None
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


# ---------------------------------------------------------------------------
# extraction
# ---------------------------------------------------------------------------

def extract_inline(text, start, end, links, rejected):
    """Scan text[start:end] for inline links/images and includes.

    Returns True if a (non-image) link was found in this range.
    """
    found_link = False
    i = start
    while i < end:
        c = text[i]
        if c != "[" or is_escaped(text, i):
            i += 1
            continue
        m = INCLUDE_RE.match(text, i)
        if m:
            inner = m.end() - 1
            close = find_close_bracket(text, inner, end)
            if close is not None and close + 1 < end and text[close + 1] == "(":
                res = parse_inline_dest(text, close + 1, end)
                if res is not None:
                    dest, after = res
                    k = after
                    while k < end and text[k] in " \t":
                        k += 1
                    if k < end and text[k] == "]":
                        links.append(Link(i, dest, "include"))
                        i = k + 1
                        continue
            i = m.end()  # malformed include: skip the marker
            continue
        close = find_close_bracket(text, i, end)
        if close is None:
            i += 1
            continue
        is_image = i > 0 and text[i - 1] == "!" and not is_escaped(text, i - 1)
        if close + 1 < end and text[close + 1] == "(":
            res = parse_inline_dest(text, close + 1, end)
            if res is None:
                if rejected is not None:
                    tail = text[close + 1:close + 80].split("\n\n")[0]
                    rejected.append((i, text[i:close + 1] + tail))
                i += 1
                continue
            inner_links = []
            inner_has_link = extract_inline(text, i + 1, close, inner_links, rejected)
            links.extend(inner_links)
            dest, after = res
            if inner_has_link and not is_image:
                # CommonMark: links may not contain links -> outer is text
                i = close + 1
                continue
            links.append(Link(i - 1 if is_image else i, dest, "link"))
            if not is_image:
                found_link = True
            i = after
            continue
        i += 1
    return found_link


def extract_refdefs(lines, links, line_offsets):
    """Find `[label]: dest` definitions; mask them in `lines` in place."""
    prev_kind = "blank"
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        stripped = line.strip()
        kind = "para"
        if not stripped:
            kind = "blank"
        elif HEADING_RE.match(line):
            kind = "heading"
        m = REFDEF_START_RE.match(line)
        if m and prev_kind != "para":
            res = parse_refdef(lines, i, m.end() - 1)
            if res is not None:
                dest, last_line, col = res
                links.append(Link(line_offsets[i] + col, dest, "link"))
                for k in range(i, last_line + 1):
                    lines[k] = blank(lines[k])
                prev_kind = "def"
                i = last_line + 1
                continue
        prev_kind = kind
        i += 1


def parse_refdef(lines, li, col):
    line = lines[li]
    # label: no unescaped brackets, not blank, up to 999 chars
    j = col + 1
    while j < len(line):
        c = line[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            return None
        if c == "]":
            break
        j += 1
    else:
        return None
    label = line[col + 1:j]
    if not label.strip() or len(label) > 999:
        return None
    if j + 1 >= len(line) or line[j + 1] != ":":
        return None
    rest = line[j + 2:]
    last = li
    if not rest.strip():
        if li + 1 < len(lines) and lines[li + 1].strip():
            last = li + 1
            rest = lines[li + 1]
        else:
            return None
    rest = rest.strip(" \t")
    if rest.startswith("<"):
        e = rest.find(">")
        if e < 0:
            return None
        raw = rest[1:e]
        tail = rest[e + 1:]
    else:
        mm = re.match(r"[^ \t]+", rest)
        raw = mm.group(0)
        tail = rest[mm.end():]
    if tail.strip():
        if not tail[0] in " \t":
            return None
        t = tail.strip()
        if not ((t[0] == '"' and t.endswith('"') and len(t) > 1)
                or (t[0] == "'" and t.endswith("'") and len(t) > 1)
                or (t[0] == "(" and t.endswith(")"))):
            return None
    return unescape_dest(raw), last, col


def extract_html(text, links):
    def rep(m):
        tag = m.group(1).lower()
        want = "href" if tag == "a" else "src"
        for am in ATTR_RE.finditer(m.group(2)):
            if am.group(1).lower() == want:
                val = am.group(2)
                if val is None:
                    val = am.group(3)
                if val is None:
                    val = am.group(4)
                if val is None:
                    continue
                links.append(Link(m.start(), html.unescape(val), "link"))
                break
        return blank(m.group(0))
    return HTML_TAG_RE.sub(rep, text)


def extract_image_directives(text, links):
    def rep(m):
        body = m.group(2)
        for am in ATTR_RE.finditer(body):
            if am.group(1).lower() == "source":
                val = am.group(2) if am.group(2) is not None else (
                    am.group(3) if am.group(3) is not None else am.group(4))
                if val is not None:
                    links.append(Link(m.start(1), html.unescape(val), "link"))
                break
        return text[m.start():m.start(1)] + blank(text[m.start(1):m.end()])
    return IMAGE_DIRECTIVE_RE.sub(rep, text)


def extract_links(text, rejected=None):
    """Return (links, line_of(offset) function)."""
    nl_positions = [i for i, c in enumerate(text) if c == "\n"]

    def line_of(off):
        return bisect.bisect_right(nl_positions, off - 1) + 1

    lines = mask_blocks(text)
    lines = [mask_code_spans(l) for l in lines]
    masked = "\n".join(lines)
    masked = mask_comments(masked)
    links = []
    masked = extract_image_directives(masked, links)
    masked = extract_html(masked, links)
    lines = masked.split("\n")
    offsets = []
    acc = 0
    for l in lines:
        offsets.append(acc)
        acc += len(l) + 1
    extract_refdefs(lines, links, offsets)
    masked = "\n".join(lines)
    rej = [] if rejected is not None else None
    extract_inline(masked, 0, len(masked), links, rej)
    if rejected is not None:
        for off, snippet in rej:
            rejected.append((line_of(off), snippet))
    links.sort(key=lambda l: l.offset)
    return links, line_of


# ---------------------------------------------------------------------------
# resolution
# ---------------------------------------------------------------------------

class FS:
    """Exact/case-insensitive existence checks with cached listings."""

    def __init__(self, root):
        self.root = root
        self.cache = {}

    def listing(self, parts):
        key = tuple(parts)
        if key not in self.cache:
            path = os.path.join(self.root, *parts) if parts else self.root
            try:
                entries = os.listdir(path)
            except OSError:
                entries = None
            self.cache[key] = entries
        return self.cache[key]

    def kind(self, parts):
        path = os.path.join(self.root, *parts)
        if os.path.isfile(path):
            return "file"
        if os.path.isdir(path):
            return "dir"
        return None

    def exact(self, parts):
        """Kind of the entry if every component matches exactly."""
        for k in range(len(parts)):
            entries = self.listing(parts[:k])
            if entries is None or parts[k] not in entries:
                return None
        return self.kind(parts) if parts else "dir"

    def insensitive(self, parts):
        """Kinds reachable when components match case-insensitively."""
        results = set()

        def walk(k, actual):
            if k == len(parts):
                kd = self.kind(actual) if actual else "dir"
                if kd:
                    results.add((kd, tuple(actual)))
                return
            entries = self.listing(actual)
            if entries is None:
                return
            want = parts[k].casefold()
            for e in entries:
                if e.casefold() == want:
                    walk(k + 1, actual + [e])

        walk(0, [])
        return results


def candidates(parts):
    """Alternative target paths accepted for a link (kind required)."""
    cands = [(parts, "file"), (parts + ["index.md"], "file")]
    if parts and parts[-1].lower().endswith(".html"):
        cands.append((parts[:-1] + [parts[-1][:-5] + ".md"], "file"))
    return cands


def classify(dest, file_parts, fs, is_include):
    """Return None if OK/skipped, else category string."""
    d = dest.strip()
    if not d or d.startswith("#") or d.startswith("//") or SCHEME_RE.match(d):
        return None
    for sep in ("#", "?"):
        idx = d.find(sep)
        if idx >= 0:
            d = d[:idx]
    d = urllib.parse.unquote(d, errors="replace")
    if not d:
        return None  # only a query/fragment: same page
    if d.startswith("/"):
        base = []
    else:
        base = list(file_parts[:-1])
    parts = base
    for seg in d.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if not parts:
                return "include" if is_include else "broken"
            parts = parts[:-1]
        else:
            parts = parts + [seg]
    bad = "include" if is_include else "broken"
    if is_include:
        return None if fs.exact(parts) == "file" else bad
    if not parts:
        # the content root itself: OK if it has index.md
        return None if fs.exact(["index.md"]) == "file" else bad
    for cparts, kind in candidates(parts):
        if fs.exact(cparts) == kind:
            return None
    for cparts, kind in candidates(parts):
        if any(k == kind for k, _ in fs.insensitive(cparts)):
            return "case"
    return bad


# ---------------------------------------------------------------------------
# walking / exclusion
# ---------------------------------------------------------------------------

def glob_variants(pat):
    """`**/` may also match nothing (so **/a/** matches a/b.md)."""
    variants = {pat}
    changed = True
    while changed:
        changed = False
        for v in list(variants):
            idx = v.find("**/")
            while idx >= 0:
                nv = v[:idx] + v[idx + 3:]
                if nv not in variants:
                    variants.add(nv)
                    changed = True
                idx = v.find("**/", idx + 1)
    return variants


def is_excluded(rel, patterns):
    for pat in patterns:
        for v in glob_variants(pat):
            if fnmatch.fnmatchcase(rel, v):
                return True
    return False


def iter_markdown(root, excludes):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.startswith(".") or not fn.lower().endswith(".md"):
                continue
            full = os.path.join(dirpath, fn)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if is_excluded(rel, excludes):
                continue
            yield rel, full


def check(root, excludes=(), rejected=None):
    fs = FS(root)
    problems = []
    scanned = 0
    for rel, full in iter_markdown(root, excludes):
        scanned += 1
        text = read_text(full)
        rej = [] if rejected is not None else None
        links, line_of = extract_links(text, rej)
        if rejected is not None:
            for line, snippet in rej:
                rejected.append((rel, line, snippet))
        file_parts = rel.split("/")
        for l in links:
            cat = classify(l.dest, file_parts, fs, l.kind == "include")
            if cat:
                problems.append({"file": rel, "line": line_of(l.offset),
                                 "category": cat, "dest": l.dest})
    problems.sort(key=lambda p: (p["file"], p["line"]))  # stable: keeps column order
    counts = {"broken": 0, "case": 0, "include": 0}
    for p in problems:
        counts[p["category"]] += 1
    counts["files"] = len({p["file"] for p in problems})
    counts["files_scanned"] = scanned
    return problems, counts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("content_dir")
    ap.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--rejected", action="store_true",
                    help="list link-like constructs that are not CommonMark links on stderr")
    args = ap.parse_args(argv)
    root = os.path.abspath(args.content_dir)
    if not os.path.isdir(root):
        print("not a directory: %s" % args.content_dir, file=sys.stderr)
        return 2
    rejected = [] if args.rejected else None
    problems, counts = check(root, args.exclude, rejected)
    if args.json:
        json.dump({"problems": problems, "counts": counts}, sys.stdout,
                  ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for p in problems:
            print("%s:%d: %s: %s" % (p["file"], p["line"], p["category"], p["dest"]))
        print("%d broken, %d case, %d include in %d files"
              % (counts["broken"], counts["case"], counts["include"], counts["files"]))
    if rejected:
        for rel, line, snippet in rejected:
            print("rejected %s:%d: %s" % (rel, line, snippet.replace("\n", "\\n")),
                  file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
