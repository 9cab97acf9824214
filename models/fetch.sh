#!/usr/bin/env bash
# Fetches the person-segmentation models (see models/SOURCES.md) into $CLEANCAST_CACHE/models,
# verifying the npm package's sha512 integrity and each extracted file's sha256.
# Idempotent: when the models are present with the right hashes it only checks them.
# Then runs models/fetch_rnnoise.sh if it exists (the audio model).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/fetchlib.sh"

MP_NAME=@mediapipe/selfie_segmentation
MP_VER=0.1.1675465747
MP_INTEGRITY=sha512-IxYxNhwE5VwOm52L1yoFWYLP7q9Pd+NJjzOC5tlepfvEGaY3o9hslhUrx9BgseqdfZtKSDtd/4NfCSMjNzQalA==
MP_TGZ_SHA256=7767b33eaa68990ee06c28bbb89f39a13a47ebb07ff0f1fd4947d9e817bb9bf9
# file  sha256 (of the file as shipped in the package above)
MODELS="selfie_segmentation.tflite 8d13b7fae74af625c641226813616a2117bd6bca19eb3b75574621fc08557f27
selfie_segmentation_landscape.tflite 4aafe6223bb8dac6fac8ca8ed56852870a33051ef3f6238822d282a109962894"

mdir=$CLEANCAST_CACHE/models
# The whole package, unpacked, is also kept for tests/ref (the official solution in Chromium).
pkgdir=$CC_DL/mediapipe-selfie_segmentation-$MP_VER

models_ok() {
  local f h
  while read -r f h; do
    [ -f "$mdir/$f" ] || return 1
    [ "$(sha256sum "$mdir/$f" | cut -d' ' -f1)" = "$h" ] || return 1
  done <<<"$MODELS"
  [ -f "$pkgdir/.stamp" ]
}

if ! models_ok; then
  exec 9>"$CLEANCAST_CACHE/.models.lock"   # one fetch at a time; re-check after the wait
  flock 9
fi
if ! models_ok; then
  echo "models: fetching $MP_NAME@$MP_VER"
  tgz=$(cc_npm_fetch "$MP_NAME" "$MP_VER" "$MP_INTEGRITY")
  cc_sha256_check "$tgz" "$MP_TGZ_SHA256"
  rm -rf "$pkgdir"; mkdir -p "$pkgdir"
  tar -xzf "$tgz" -C "$pkgdir" --strip-components=1 --no-same-owner
  chmod -R u+rwX,go+rX "$pkgdir"
  while read -r f h; do
    [ -f "$pkgdir/$f" ] || cc_die "$f missing from $MP_NAME@$MP_VER"
    cc_sha256_check "$pkgdir/$f" "$h"
    install -m 644 "$pkgdir/$f" "$mdir/$f.tmp" && mv "$mdir/$f.tmp" "$mdir/$f"
  done <<<"$MODELS"
  touch "$pkgdir/.stamp"
  echo "models: segmentation models in $mdir"
fi

if [ -f "$here/fetch_rnnoise.sh" ]; then
  bash "$here/fetch_rnnoise.sh"
fi
if [ -f "$here/fetch_rnnoise2.sh" ]; then
  bash "$here/fetch_rnnoise2.sh"
fi
