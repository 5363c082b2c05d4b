#!/usr/bin/env bash
# Records everything Folio writes for a few real sites, so that a refactor
# can be shown to change nothing: run it before and after, then
# `diff -r BEFORE AFTER` must print nothing.
#
#   scripts/snapshot-outputs.sh OUT_DIR [FOLIO_BINARY]
#
# OUT_DIR must be outside the repository (it is wiped first). FOLIO_BINARY
# defaults to target/release/folio, built here with `cargo build --release`.
# What is recorded, per site:
#   build/          the output folder of `folio build --out`
#   build.stderr    what `folio build` printed, without the elapsed time
#   build.code      its exit code
#   check.<format>  `folio check --format <format>` stdout (human, json, github)
#   check.code      its exit code
# Sites: the sample playbook (content/, folio.yml), the corpus config in
# tests/corpus/ (../shared/corpus, skipped with a message when missing) and
# the defects fixture (one defect per diagnostic code).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: scripts/snapshot-outputs.sh OUT_DIR [FOLIO_BINARY]}
bin=${2:-}
case "$(realpath -m "$out")/" in
    "$repo"/*) echo "OUT_DIR must be outside the repository" >&2; exit 2 ;;
esac
if [ -z "$bin" ]; then
    (cd "$repo" && cargo build --release --quiet)
    bin="$repo/target/release/folio"
fi
bin=$(realpath "$bin")
rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")

# Run from the repository root: diagnostics name files relative to it.
cd "$repo"

snapshot() {
    local name=$1 root=$2
    local dir="$out/$name"
    mkdir -p "$dir"
    local code=0
    "$bin" build --root "$root" --out "$dir/build" 2>"$dir/build.stderr.raw" >/dev/null || code=$?
    echo "$code" >"$dir/build.code"
    # The summary line ends with the elapsed time, the one thing allowed to differ.
    sed -E 's/, [0-9]+ ms$/, N ms/' "$dir/build.stderr.raw" >"$dir/build.stderr"
    rm "$dir/build.stderr.raw"
    for format in human json github; do
        code=0
        GITHUB_WORKSPACE="$repo" "$bin" check --root "$root" --format "$format" \
            >"$dir/check.$format" 2>/dev/null || code=$?
        echo "$code" >>"$dir/check.code"
    done
}

snapshot sample .
snapshot defects tests/fixtures/defects
for corpus in partner-site internal-playbook; do
    if [ -d "$repo/../shared/corpus/$corpus" ]; then
        snapshot "corpus-$corpus" "tests/corpus/$corpus"
    else
        echo "SKIP corpus-$corpus: ../shared/corpus/$corpus is missing" >&2
    fi
done
echo "snapshot written to $out ($(find "$out" -type f | wc -l) files)"
