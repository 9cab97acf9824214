#!/usr/bin/env bash
# models/rnnoise/extract.mjs fails closed: a damaged wasm (one weight byte flipped, truncated,
# not wasm at all) or a different pinned hash gives exit 1, a message, and no model file;
# the intact package gives exit 0 and both files. Skips (77) without node or the package.
set -u
root=${CC_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$root/scripts/cachedir.sh"; cache=$CLEANCAST_CACHE
wasm=$cache/models/echogarden-rnnoise-wasm/rnnoise.wasm
command -v node >/dev/null || { echo "SKIP: node not installed"; exit 77; }
[ -f "$wasm" ] || { echo "SKIP: $wasm missing (models/fetch_rnnoise.sh)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
x="node $root/models/rnnoise/extract.mjs"
fail=0
expect_refusal() { # NAME ARGS...
  local name=$1; shift
  rm -f "$tmp/o.ccm" "$tmp/o.rnnn"
  if $x "$@" --ccm "$tmp/o.ccm" --rnnn "$tmp/o.rnnn" 2>"$tmp/err"; then
    echo "FAIL: $name: extractor accepted it"; fail=1
  elif [ -e "$tmp/o.ccm" ] || [ -e "$tmp/o.rnnn" ]; then
    echo "FAIL: $name: refused but wrote a model file"; fail=1
  elif ! grep -q 'extract: error: ' "$tmp/err"; then
    echo "FAIL: $name: no error message"; fail=1
  else
    echo "ok: $name: $(head -c 160 "$tmp/err")"
  fi
}
size=$(stat -c %s "$wasm")
# The data section (weights) fills the last ~91 KB of the file; flip a byte 30 KB from the end.
cp "$wasm" "$tmp/flip.wasm"
off=$((size - 30000))
orig=$(od -An -tu1 -j "$off" -N1 "$tmp/flip.wasm" | tr -d ' ')
printf "$(printf '\\%03o' $(( (orig + 1) % 256 )))" | dd of="$tmp/flip.wasm" bs=1 seek="$off" conv=notrunc status=none
expect_refusal "one byte changed at $off" --input "$tmp/flip.wasm"
head -c $((size - 20000)) "$wasm" > "$tmp/trunc.wasm"
expect_refusal "truncated" --input "$tmp/trunc.wasm"
head -c 8 "$wasm" > "$tmp/hdr.wasm"
expect_refusal "header only" --input "$tmp/hdr.wasm"
echo "not wasm" > "$tmp/text.wasm"
expect_refusal "not wasm" --input "$tmp/text.wasm"
expect_refusal "other pinned hash" --input "$wasm" --expect-sha256 0000000000000000000000000000000000000000000000000000000000000000
expect_refusal "missing file" --input "$tmp/nonexistent.wasm"
so=$cache/models/obs-filters/obs-filters.so
if [ -f "$so" ]; then
  head -c 150000 "$so" > "$tmp/trunc.so"
  expect_refusal "truncated ELF" --input "$tmp/trunc.so"
fi
if $x --quiet --input "$wasm" --ccm "$tmp/ok.ccm" --rnnn "$tmp/ok.rnnn" && [ -s "$tmp/ok.ccm" ] && [ -s "$tmp/ok.rnnn" ]; then
  echo "ok: intact package extracted"
else
  echo "FAIL: intact package refused"; fail=1
fi
exit $fail
