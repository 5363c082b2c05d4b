#!/usr/bin/env python3
"""WCAG 2.x contrast of the default theme's text/background pairs.

Reads the custom properties of theme/folio.css (the light `:root` block and
the `:root[data-theme="dark"]` block), computes each pair the theme puts
text on, prints a table and exits 1 when a pair is below AA (4.5:1 for
normal text, 3:1 for large text and focus outlines).

    python3 scripts/contrast.py [theme/folio.css]
"""
import re
import sys

# (foreground, background, minimum, where it is used)
PAIRS = [
    ("fg", "bg", 4.5, "body text"),
    ("fg", "code-bg", 4.5, "code, table heads"),
    ("fg", "accent-bg", 4.5, "callout text, current nav entry, target row"),
    ("muted", "bg", 4.5, "muted text: dates, breadcrumbs, (O)ptional, footer"),
    ("muted", "code-bg", 4.5, "muted text on code background"),
    ("muted", "accent-bg", 4.5, "muted text in callouts"),
    ("accent", "bg", 4.5, "links"),
    ("accent", "accent-bg", 4.5, "links in callouts, current nav entry"),
    ("accent", "code-bg", 4.5, "links in table heads"),
    ("on-accent", "accent", 4.5, "skip link"),
    ("note", "accent-bg", 4.5, "Note callout title"),
    ("tip", "accent-bg", 4.5, "Tip callout title, copied permalink"),
    ("important", "accent-bg", 4.5, "Important callout title"),
    ("warning", "accent-bg", 4.5, "Warning callout title"),
    ("caution", "accent-bg", 4.5, "Caution callout title"),
    ("caution", "bg", 4.5, "mandatory M in task tables"),
    ("caution", "accent-bg", 4.5, "mandatory M in a target row"),
    ("tip", "bg", 4.5, "copied permalink"),
    ("accent", "bg", 3.0, "focus outline (non-text, 3:1)"),
]


def luminance(hex_color):
    h = hex_color.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def ratio(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def block(css, selector):
    at = css.index(selector)
    body = css[css.index("{", at) + 1:css.index("}", at)]
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", body))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "theme/folio.css"
    css = open(path, encoding="utf-8").read()
    light = block(css, ":root {")
    dark = dict(light, **block(css, ':root[data-theme="dark"]'))
    system_dark = dict(light, **block(css, ':root:not([data-theme="light"]) {'))
    failed = 0
    if system_dark != dark:
        print("the prefers-color-scheme dark block differs from [data-theme=dark]")
        failed += 1
    print(f"| pair | used for | light | dark | needs |\n|---|---|---|---|---|")
    for fg, bg, need, use in PAIRS:
        cells = []
        for palette in (light, dark):
            r = ratio(palette[fg], palette[bg])
            ok = r >= need
            failed += not ok
            cells.append(f"{palette[fg]} on {palette[bg]} **{r:.2f}**{'' if ok else ' FAIL'}")
        print(f"| {fg} / {bg} | {use} | {cells[0]} | {cells[1]} | {need}:1 |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
