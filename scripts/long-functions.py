#!/usr/bin/env python3
"""Lists Rust functions longer than a limit (default 80 lines), counted from
the `fn` line to the closing brace, tests included.

    scripts/long-functions.py [--limit 80] [PATH ...]   (default: src)

Exits 1 when any function is over the limit. A light tokenizer skips
comments, strings, raw strings and char literals, so braces inside them do
not count; it is not a Rust parser, but Folio's code is rustfmt-formatted.
"""
import re
import sys
from pathlib import Path

FN = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+\"[^\"]*\"\s+)?fn\s+([A-Za-z_][A-Za-z0-9_]*)")


def code_chars(text):
    """Yields (index, char) of characters outside comments and literals."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            continue
        m = re.match(r'b?r(#*)"', text[i:i + 300])
        if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            i = n if j < 0 else j + len(end)
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if c == "'":
            m = re.match(r"'(?:\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'])'", text[i:i + 12])
            if m:
                i += len(m.group(0))
                continue
        yield i, c
        i += 1


def functions(path):
    text = path.read_text(encoding="utf-8")
    line_of = [0] * (len(text) + 1)
    line = 1
    for k, ch in enumerate(text):
        line_of[k] = line
        if ch == "\n":
            line += 1
    line_of[len(text)] = line
    starts = {}
    offset = 0
    for number, l in enumerate(text.split("\n"), 1):
        m = FN.match(l)
        if m:
            starts[offset + m.start(1)] = (m.group(1), number)
        offset += len(l) + 1
    stack, pending, found = [], None, []
    for i, c in code_chars(text):
        if i in starts:
            pending = starts[i]
        elif c == ";" and pending and not stack_has_open_paren(stack):
            pending = None  # a declaration without a body
        if c in "([":
            stack.append((c, None))
        elif c in ")]":
            if stack:
                stack.pop()
        elif c == "{":
            stack.append(("{", pending))
            pending = None
        elif c == "}":
            if stack:
                _, fn = stack.pop()
                if fn:
                    found.append((fn[0], fn[1], line_of[i] - fn[1] + 1))
    return found


def stack_has_open_paren(stack):
    return any(kind in "([" for kind, _ in stack[-1:])


def main():
    args = sys.argv[1:]
    limit = 80
    if args[:1] == ["--limit"]:
        limit, args = int(args[1]), args[2:]
    roots = [Path(a) for a in args] or [Path("src")]
    files = sorted(p for r in roots for p in ([r] if r.is_file() else r.rglob("*.rs")))
    over = []
    for f in files:
        for name, start, length in functions(f):
            if length > limit:
                over.append((length, f"{f}:{start}", name))
    for length, where, name in sorted(over, reverse=True):
        print(f"{length:5} {where} {name}")
    print(f"{len(over)} functions over {limit} lines", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
