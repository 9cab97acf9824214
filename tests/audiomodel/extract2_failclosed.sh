#!/usr/bin/env bash
# models/rnnoise/extract2.mjs fails closed: a damaged copy of the official RNNoise 0.2 build
# (one base64 character of the embedded wasm changed inside the weights, the .js cut short,
# no or two wasm builds in it, the decoded wasm's table cut short or given a huge size or a
# wrong type code) or a different pinned hash gives exit 1, a message, and no model file; the
# intact package (.js or the decoded .wasm) gives exit 0 and the file.
# Skips (77) without node or the fetched package
# (models/fetch_rnnoise.sh unpacks @jitsi/rnnoise-wasm@0.2.1).
set -u
root=${CC_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$root/scripts/cachedir.sh"; cache=$CLEANCAST_CACHE
js=$cache/models/jitsi-rnnoise-wasm/dist/rnnoise-sync.js
command -v node >/dev/null || { echo "SKIP: node not installed"; exit 77; }
[ -f "$js" ] || { echo "SKIP: $js missing (models/fetch_rnnoise.sh)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
x="node $root/models/rnnoise/extract2.mjs"
fail=0
expect_refusal() { # NAME ARGS...
  local name=$1; shift
  rm -f "$tmp/o.ccm"
  if $x "$@" --ccm "$tmp/o.ccm" 2>"$tmp/err"; then
    echo "FAIL: $name: extractor accepted it"; fail=1
  elif [ -e "$tmp/o.ccm" ] || ls "$tmp"/o.ccm.tmp* >/dev/null 2>&1; then
    echo "FAIL: $name: refused but wrote a model file"; fail=1
  elif ! grep -q 'extract2: error: ' "$tmp/err"; then
    echo "FAIL: $name: no error message"; fail=1
  else
    echo "ok: $name: $(head -c 200 "$tmp/err")"
  fi
}
# The base64 wasm is one long line; the weights fill most of it. Change one character in the
# middle to another base64 character (6 bits of some weight).
node -e '
const fs = require("fs");
const s = fs.readFileSync(process.argv[1], "latin1");
const p = s.indexOf("data:application/octet-stream;base64,A");
const q = s.indexOf("\"", p);
const mid = (p + q) >> 1;
const c = s[mid] === "Q" ? "R" : "Q";
fs.writeFileSync(process.argv[2], s.slice(0, mid) + c + s.slice(mid + 1), "latin1");
// The decoded wasm, intact, and two structural damages of it.
const { Buffer } = require("buffer");
const w = Buffer.from(s.slice(p + 37, q), "base64");
fs.writeFileSync(process.argv[3], w);
' "$js" "$tmp/flip.js" "$tmp/ok.wasm" || { echo "FAIL: could not prepare inputs"; exit 1; }
expect_refusal "one base64 character changed" --input "$tmp/flip.js"
size=$(stat -c %s "$js")
head -c $((size / 2)) "$js" > "$tmp/half.js"
expect_refusal "js cut in half" --input "$tmp/half.js"
printf 'export default 1;\n' > "$tmp/none.js"
expect_refusal "no wasm inside" --input "$tmp/none.js"
cp "$js" "$tmp/two.js"; cat "$js" >> "$tmp/two.js"
expect_refusal "two wasm builds in one file" --input "$tmp/two.js"
expect_refusal "other pinned hash" --input "$js" --expect-sha256 0000000000000000000000000000000000000000000000000000000000000000
expect_refusal "missing file" --input "$tmp/nonexistent.js"
# Damage in the decoded wasm's table. The entry of conv1_weights_float is found by its fields
# (type 0, 99840 bytes), followed by conv1_bias's (type 0, 512 bytes) 16 bytes later.
node -e '
const fs = require("fs");
const w = fs.readFileSync(process.argv[1]);
const out = (name, buf) => fs.writeFileSync(process.argv[2] + "/" + name, buf);
const hits = [];
for (let off = 0; off + 32 <= w.length; off += 1)
  if (w.readUInt32LE(off + 4) === 0 && w.readUInt32LE(off + 8) === 99840 &&
      w.readUInt32LE(off + 20) === 0 && w.readUInt32LE(off + 24) === 512) hits.push(off);
if (hits.length !== 1) process.exit(1);
const off = hits[0];
const a = Buffer.from(w); a.writeUInt32LE(0, off + 16 * 20); out("cut_table.wasm", a);
const b = Buffer.from(w); b.writeUInt32LE(0xffffffff, off + 8); out("huge_size.wasm", b);
const c = Buffer.from(w); c.writeUInt32LE(3, off + 4); out("bad_type.wasm", c);
' "$tmp/ok.wasm" "$tmp" || { echo "FAIL: table entry not found in the decoded wasm"; exit 1; }
expect_refusal "table cut short by a NULL name" --input "$tmp/cut_table.wasm"
expect_refusal "huge size in a table entry" --input "$tmp/huge_size.wasm"
expect_refusal "type code of a float array changed" --input "$tmp/bad_type.wasm"
# Intact: the .js and the decoded .wasm both give the model.
for f in "$js" "$tmp/ok.wasm"; do
  rm -f "$tmp/ok.ccm"
  if $x --quiet --input "$f" --ccm "$tmp/ok.ccm" && [ -s "$tmp/ok.ccm" ]; then
    echo "ok: intact $(basename "$f") extracted"
  else
    echo "FAIL: intact $(basename "$f") refused"; fail=1
  fi
done
exit $fail
