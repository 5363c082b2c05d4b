#!/usr/bin/env python3
"""Seeds the fuzz targets' working corpora (fuzz/corpus/<target>/) from the
real playbook corpus in ../shared/corpus and the project's own folio.yml
files. The corpora are never committed (fuzz/.gitignore): the playbook
text must not be copied into the project.

    scripts/fuzz-seed.py [--corpus DIR]

front_matter: every .md file as is.
page:         every .md file as the page en/page.md, then a NUL byte and
              each file it includes (followed to any depth) as
              `path\\n` + text, at the path the include names from en/.
toc:          every toc*.yml file.
config:       every folio.yml of the repository, and the corpus' other
              .yml files (YAML shapes).
"""

import argparse
import hashlib
import os
import posixpath
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(rb"\[!INCLUDE\s*\[[^\]]*\]\(\s*<?([^)>\s]+)>?\s*\)\s*\]", re.I)


def write(target, data):
    folder = os.path.join(REPO, "fuzz", "corpus", target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def files(root, predicate):
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            if predicate(name):
                yield os.path.join(folder, name)


def includes(real, virtual, seen, out):
    """Adds the files `real` (at content path `virtual`) includes to `out`."""
    with open(real, "rb") as f:
        text = f.read()
    for written in INCLUDE.findall(text):
        written = written.decode("utf-8", "replace")
        path = posixpath.normpath(posixpath.join(posixpath.dirname(virtual), written))
        source = os.path.normpath(os.path.join(os.path.dirname(real), written))
        if path.startswith("..") or path in seen or not os.path.isfile(source):
            continue
        seen.add(path)
        with open(source, "rb") as f:
            out.append(path.encode() + b"\n" + f.read())
        includes(source, path, seen, out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=os.path.join(REPO, "..", "shared", "corpus"))
    corpus = parser.parse_args().corpus
    if not os.path.isdir(corpus):
        sys.exit(f"no corpus at {corpus}")
    count = {}
    for md in files(corpus, lambda n: n.endswith(".md")):
        with open(md, "rb") as f:
            text = f.read()
        write("front_matter", text)
        parts = [text]
        includes(md, "en/page.md", {"en/page.md"}, parts)
        write("page", b"\0".join(parts))
        count["md"] = count.get("md", 0) + 1
    for yml in files(corpus, lambda n: n.endswith(".yml")):
        with open(yml, "rb") as f:
            text = f.read()
        if os.path.basename(yml).startswith("toc"):
            write("toc", text)
        write("config", text)
    for yml in files(REPO, lambda n: n == "folio.yml"):
        if "/target/" not in yml and "/fuzz/" not in yml:
            with open(yml, "rb") as f:
                write("config", f.read())
    for target in ("front_matter", "page", "toc", "config"):
        folder = os.path.join(REPO, "fuzz", "corpus", target)
        print(f"{target}: {len(os.listdir(folder))} seeds in {folder}")


if __name__ == "__main__":
    main()
