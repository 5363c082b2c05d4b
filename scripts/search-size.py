#!/usr/bin/env python3
"""Index size per language and the bytes a first search downloads.

usage: scripts/search-size.py OUTPUT_DIR LANG:QUERY [LANG:QUERY ...]

For each language under OUTPUT_DIR/_folio/search/: files and bytes (raw
and gzip -6, as a server would send them). For each LANG:QUERY: meta.js,
the term shards the query's words need (Latin words only: split on
non-word characters, lowercased) and the snippet chunks of the first ten
matching pages (pages holding every word, in page order), i.e. what
theme/search.js loads for that query.
"""
import gzip, json, os, re, sys

def gz(b):
    return len(gzip.compress(b, 6))

def shard_of(term, shards):
    key = term[:1] if '\u3040' <= term[:1] <= '\u9fff' else term[:2]
    h = 0x811c9dc5
    for b in key.encode():
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return h % max(1, shards)

def data(path):
    text = open(path, encoding='utf-8').read()
    return json.loads(text.split(',', 3)[3].rstrip().removesuffix(');'))

def docs(shard, word):
    out = set()
    for table in ('w', 's'):
        for key, lst in shard[table].items():
            if key == word or key.startswith(word):
                if lst == 0:
                    lst = shard['w'][key]
                doc = 0
                for i in range(0, len(lst), 2):
                    doc += lst[i]
                    out.add(doc)
    return out

def main():
    out = sys.argv[1]
    root = os.path.join(out, '_folio', 'search')
    for lang in sorted(os.listdir(root)):
        d = os.path.join(root, lang)
        files = [os.path.join(d, f) for f in os.listdir(d)]
        raw = sum(os.path.getsize(f) for f in files)
        z = sum(gz(open(f, 'rb').read()) for f in files)
        terms = [f for f in files if os.path.basename(f).startswith('t')]
        print(f"{lang}: {len(files)} files, {raw} bytes ({z} gzip); {len(terms)} term shards, "
              f"{sum(os.path.getsize(f) for f in terms)} bytes")
    for arg in sys.argv[2:]:
        lang, query = arg.split(':', 1)
        d = os.path.join(root, lang)
        meta_path = os.path.join(d, 'meta.js')
        meta = data(meta_path)
        loaded = {meta_path}
        words = [w for w in re.split(r'\W+', query.lower()) if w]
        found = None
        for w in words:
            p = os.path.join(d, f"t{shard_of(w, meta['shards'])}.js")
            loaded.add(p)
            ds = docs(data(p), w)
            found = ds if found is None else found & ds
        for doc in sorted(found or [])[:10]:
            loaded.add(os.path.join(d, f"d{doc // meta['chunk']}.js"))
        raw = sum(os.path.getsize(p) for p in loaded)
        z = sum(gz(open(p, 'rb').read()) for p in loaded)
        index = [p for p in loaded if not os.path.basename(p).startswith('d')]
        print(f"{lang} '{query}': {len(found or [])} pages; downloads {len(loaded)} files, {raw} bytes "
              f"({z} gzip), of which index (meta + shards) {sum(os.path.getsize(p) for p in index)} bytes "
              f"({sum(gz(open(p, 'rb').read()) for p in index)} gzip)")

main()
