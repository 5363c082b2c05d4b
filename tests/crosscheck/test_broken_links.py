"""Tests for the independent broken-link finder (stdlib unittest).

Run from the repository root:
    python3 -m unittest tests/crosscheck/test_broken_links.py
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "broken_links.py")
sys.path.insert(0, HERE)
import broken_links as bl  # noqa: E402


def write(root, rel, content, binary=False):
    path = os.path.join(root, *rel.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if binary else "w"
    with open(path, mode, **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
        f.write(content)


# A fixture where every rule is exercised.  Lines matter: keep the
# "# Lnn" comments in sync with the expectations below.
MAIN = "\n".join([
    "--- ",                                   # 1 front matter (--- + space)
    "title: [x](fm-link.md)",                 # 2 ignored (front matter)
    "...  ",                                  # 3 closes front matter
    "[ok page](other.md) [missing](nope.md)",  # 4 nope.md broken
    "```python",                              # 5 fence open
    "[in fence](fence.md)",                   # 6 ignored
    "````",                                   # 7 closes (longer is fine)
    "~~~~",                                   # 8 tilde fence, 4 long
    "[in tilde](tilde.md)",                   # 9 ignored
    "~~~",                                    # 10 too short: not a close
    "[still in](tilde2.md)",                  # 11 ignored
    "~~~~~",                                  # 12 closes
    "Code `[x](code.md)` and ``a ` [y](code2.md)`` done [z](z.md)",  # 13 z.md broken
    "[web](https://example.com) [m](mailto:a@b.c) [t](tel:123) [p](//cdn.x/y.png)",  # 14
    "[anchor](#sec) [empty]() [ftp](FTP://x) [x](xref:Some.Uid)",  # 15
    "[frag](other.md#part) [q](other.md?x=1#y) [qonly](?tabs=a)",  # 16 all ok
    "[up](../outside.md) [sub up](sub/../other.md) [deep](sub/deeper/../page.md)",  # 17 outside broken
    "[case](Other.md) ![img case](media/Pic.PNG) ![img](media/pic.png)",  # 18 2x case
    "[dir](sub/) [dir2](sub) [nodir](noindex/) [root](/sub/page.md)",  # 19 noindex broken
    "[html](sub/page.html) [html bad](sub/gone.html) [htmlcase](SUB/page.html)",  # 20
    "[!INCLUDE [inc ok](includes/snippet.md)]",  # 21 ok
    "[!include[inc missing](includes/absent.md)]",  # 22 include
    "[ref link][r1] and [r2]",                # 23 (uses definitions)
    "",                                       # 24
    "[r1]: refdef-missing.md \"Title\"",      # 25 broken
    "[r2]: <other.md>",                       # 26 ok
    "   [r3]:",                               # 27 definition on next line
    "  ref-next-line.md",                     # 28 (reported at 27)
    "<a href=\"html-a.md\">a</a> <IMG alt='x' src='media/nope.png'>",  # 29 2x broken
    "<a class=\"c\"",                         # 30 tag spanning lines
    "   href=\"html-multi.md\">m</a>",        # 31 (reported at 30)
    ":::image type=\"content\" source=\"media/pic.png\" alt-text=\"ok\":::",  # 32 ok
    ":::image type=\"content\" source=\"media/missing.png\" alt-text=\"x\":::",  # 33 broken
    "[spaces](<my file.md>) [pct](my%20file.md) [pctbad](no%20file.md)",  # 34 last broken
    "[nested [brackets] text](nested-missing.md) [![inner](media/pic.png)](outer-missing.md)",  # 35
    "[title](other.md \"a title\") [parens](paren(1).md) [esc](esc\\_missing.md)",  # 36
    "[multi",                                  # 37 link text spans lines
    "line](multi-missing.md)",                # 38 (reported at 37)
    "[not a link](has space.md) \\[escaped](escaped.md) [[x](inner.md)](outer.md)",  # 39
    "user@example.com [mail](user@example.com) <user@example.com>",  # 40
    "<!-- [commented](commented.md) -->",     # 41 ignored
    "[rooted escape](/../x.md)",              # 42 broken
    "",
])

EXPECTED = [
    (4, "broken", "nope.md"),
    (13, "broken", "z.md"),
    (17, "broken", "../outside.md"),
    (18, "case", "Other.md"),
    (18, "case", "media/Pic.PNG"),
    (19, "broken", "noindex/"),
    (20, "broken", "sub/gone.html"),
    (20, "case", "SUB/page.html"),
    (22, "include", "includes/absent.md"),
    (25, "broken", "refdef-missing.md"),
    (27, "broken", "ref-next-line.md"),
    (29, "broken", "html-a.md"),
    (29, "broken", "media/nope.png"),
    (30, "broken", "html-multi.md"),
    (33, "broken", "media/missing.png"),
    (34, "broken", "no%20file.md"),
    (35, "broken", "nested-missing.md"),
    (35, "broken", "outer-missing.md"),
    (36, "broken", "esc_missing.md"),
    (37, "broken", "multi-missing.md"),
    (39, "broken", "inner.md"),
    (40, "broken", "user@example.com"),
    (42, "broken", "/../x.md"),
]


class FixtureMixin:
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="brokenlinks-")
        r = self.root
        # BOM + CRLF main page
        write(r, "main.md", ("\ufeff" + MAIN).replace("\n", "\r\n"))
        write(r, "other.md", "# other\n")
        write(r, "my file.md", "x\n")
        write(r, "paren(1).md", "x\n")
        write(r, "media/pic.png", b"\x89PNG", binary=True)
        write(r, "sub/index.md", "# sub\n")
        write(r, "sub/page.md", "[back](../other.md) [bad](../missing-from-sub.md)\n")
        write(r, "sub/deeper/.keep", "")
        write(r, "noindex/readme.txt", "x\n")
        write(r, "includes/snippet.md", "[rel to include](../other.md) [bad](gone.md)\n")
        write(r, "archive/old.md", "[x](archived-missing.md)\n")
        write(r, "a/archive/b.md", "[x](archived-missing2.md)\n")
        write(r, ".hidden/h.md", "[x](hidden-missing.md)\n")
        write(r, ".hidden.md", "[x](hidden-missing.md)\n")
        write(r, "UPPER.MD", "[x](upper-missing.md)\n")
        write(r, "notes.txt", "[x](txt-missing.md)\n")

    def tearDown(self):
        shutil.rmtree(self.root)


class TestRules(FixtureMixin, unittest.TestCase):
    def problems(self, excludes=()):
        probs, counts = bl.check(self.root, list(excludes))
        return probs, counts

    def test_main_page_expectations(self):
        probs, _ = self.problems()
        got = [(p["line"], p["category"], p["dest"]) for p in probs if p["file"] == "main.md"]
        self.assertEqual(got, EXPECTED)

    def test_other_files(self):
        probs, counts = self.problems()
        others = sorted((p["file"], p["category"], p["dest"]) for p in probs if p["file"] != "main.md")
        self.assertEqual(others, [
            ("UPPER.MD", "broken", "upper-missing.md"),          # case-insensitive .md
            ("a/archive/b.md", "broken", "archived-missing2.md"),
            ("archive/old.md", "broken", "archived-missing.md"),
            ("includes/snippet.md", "broken", "gone.md"),        # relative to include file
            ("sub/page.md", "broken", "../missing-from-sub.md"),
        ])
        self.assertEqual(counts["case"], 3)
        self.assertEqual(counts["include"], 1)
        self.assertEqual(counts["broken"], len(EXPECTED) - 4 + 5)
        self.assertEqual(counts["files"], 6)

    def test_exclude_globstar(self):
        probs, _ = self.problems(["**/archive/**"])
        files = {p["file"] for p in probs}
        self.assertNotIn("archive/old.md", files)
        self.assertNotIn("a/archive/b.md", files)
        self.assertIn("main.md", files)

    def test_exclude_plain_fnmatch(self):
        probs, _ = self.problems(["sub/*", "*.MD"])
        files = {p["file"] for p in probs}
        self.assertNotIn("sub/page.md", files)
        self.assertNotIn("UPPER.MD", files)
        self.assertIn("main.md", files)

    def test_front_matter_lines_counted_and_bom(self):
        text = bl.read_text(os.path.join(self.root, "main.md"))
        self.assertFalse(text.startswith("\ufeff"))
        self.assertNotIn("\r", text)
        links, line_of = bl.extract_links(text)
        dests = [l.dest for l in links]
        self.assertNotIn("fm-link.md", dests)
        self.assertEqual(line_of(links[0].offset), 4)

    def test_unclosed_front_matter_is_not_front_matter(self):
        links, _ = bl.extract_links("---\n[a](a.md)\n")
        self.assertEqual([l.dest for l in links], ["a.md"])

    def test_unclosed_fence_runs_to_end(self):
        links, _ = bl.extract_links("```\n[a](a.md)\n")
        self.assertEqual(links, [])

    def test_backtick_fence_info_with_backtick_is_not_fence(self):
        links, _ = bl.extract_links("``` a`b\n[a](a.md)\n")
        self.assertEqual([l.dest for l in links], ["a.md"])

    def test_refdef_cannot_interrupt_paragraph(self):
        links, _ = bl.extract_links("some text\n[a]: a.md\n\n[b]: b.md\n")
        self.assertEqual([l.dest for l in links], ["b.md"])

    def test_classify_direct(self):
        fs = bl.FS(self.root)
        fp = ["main.md"]
        self.assertIsNone(bl.classify("other.md", fp, fs, False))
        self.assertIsNone(bl.classify("HTTP://x", fp, fs, False))
        self.assertEqual(bl.classify("./", fp, fs, False), "broken")  # no root index.md
        self.assertIsNone(bl.classify("sub/deeper/../../other.md", fp, fs, False))
        self.assertEqual(bl.classify("sub/../../other.md", fp, fs, False), "broken")
        self.assertEqual(bl.classify("includes/Snippet.md", fp, fs, True), "include")
        self.assertEqual(bl.classify("sub", fp, fs, True), "include")  # dir is not a file


class TestCli(FixtureMixin, unittest.TestCase):
    def run_cli(self, *args):
        return subprocess.run([sys.executable, SCRIPT, self.root] + list(args),
                              capture_output=True, text=True, encoding="utf-8")

    def test_text_output(self):
        res = self.run_cli("--exclude", "**/archive/**")
        self.assertEqual(res.returncode, 1)
        lines = res.stdout.splitlines()
        self.assertEqual(lines[0], "UPPER.MD:1: broken: upper-missing.md")
        self.assertIn("main.md:4: broken: nope.md", lines)
        self.assertIn("main.md:22: include: includes/absent.md", lines)
        self.assertIn("main.md:18: case: Other.md", lines)
        self.assertEqual(lines[-1], "%d broken, 3 case, 1 include in 4 files"
                         % (len(EXPECTED) - 4 + 3))
        # sorted by file, then line
        body = [l.split(":") for l in lines[:-1]]
        keys = [(b[0], int(b[1])) for b in body]
        self.assertEqual(keys, sorted(keys))

    def test_json_output(self):
        res = self.run_cli("--json")
        data = json.loads(res.stdout)
        self.assertEqual(set(data), {"problems", "counts"})
        self.assertEqual(set(data["problems"][0]), {"file", "line", "category", "dest"})
        self.assertEqual(data["counts"]["include"], 1)
        self.assertEqual(data["counts"]["case"], 3)

    def test_clean_dir_exit_zero(self):
        clean = tempfile.mkdtemp()
        try:
            write(clean, "index.md", "[self](index.md)\n")
            res = subprocess.run([sys.executable, SCRIPT, clean], capture_output=True, text=True)
            self.assertEqual(res.returncode, 0)
            self.assertEqual(res.stdout.strip(), "0 broken, 0 case, 0 include in 0 files")
        finally:
            shutil.rmtree(clean)


if __name__ == "__main__":
    unittest.main()
