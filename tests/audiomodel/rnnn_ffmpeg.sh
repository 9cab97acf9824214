#!/usr/bin/env bash
# Interop: Debian FFmpeg's arnndn reads our .rnnn export and, level-aligned, agrees with the
# official RNNoise wasm on 10 s of real noisy speech (codec2 ve9qrp) at >= 33.5 dB SNR.
# Measured: 35.0 dB (36.2 on the whole file); with the 22 denoise_output biases zeroed in the
# .rnnn it drops to 31.6 dB, so the bound catches even a small wrong array.
# Exit 77 (skip) when ffmpeg, node, the model or the speech file is missing.
set -u
root=${CC_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$root/scripts/cachedir.sh"; cache=$CLEANCAST_CACHE
skip() { echo "SKIP: $*"; exit 77; }
command -v ffmpeg >/dev/null || skip "ffmpeg not installed"
command -v node >/dev/null || skip "node not installed"
[ -f "$cache/models/rnnoise.rnnn" ] || skip "$cache/models/rnnoise.rnnn missing (models/fetch_rnnoise.sh)"
[ -f "$cache/models/jitsi-rnnoise-wasm/dist/rnnoise.wasm" ] || skip "reference wasm missing (models/fetch_rnnoise.sh)"
speech=$cache/data/speech/codec2_ve9qrp_8k.wav
[ -f "$speech" ] || skip "$speech missing (data/fetch.sh)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ffmpeg -nostdin -hide_banner -loglevel error -i "$speech" -t 10 -c:a pcm_s16le "$tmp/in.wav" || { echo "FAIL: cannot cut $speech"; exit 1; }
"$root/tests/audio/ref/arnndn_ref.sh" "$tmp/in.wav" "$tmp/ff.wav" --aligned --format f32 || { echo "FAIL: arnndn refused our .rnnn"; exit 1; }
node "$root/tests/audio/ref/rnnoise_ref.mjs" "$tmp/in.wav" "$tmp/ref.wav" --format f32 || { echo "FAIL: reference wasm run failed"; exit 1; }
node "$root/tests/audio/ref/compare.mjs" "$tmp/ref.wav" "$tmp/ff.wav" --min-snr 33.5
