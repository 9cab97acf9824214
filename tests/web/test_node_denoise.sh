#!/usr/bin/env bash
# The wasm denoiser (node web/cli.mjs denoise) against the official RNNoise wasm builds in node
# (tests/audio/ref/rnnoise_ref.mjs for 0.1, rnnoise2_ref.mjs for 0.2), both time-aligned, on a
# 48 kHz mix of DATA.md speech and noise: >= 40 dB SNR, same length. Both wasm flavours
# (SIMD128, baseline). Also the CLI's usage errors and exit codes.
# Exit 77 only when the models or the material were never fetched.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${CLEANCAST_CACHE:=$(. "$root/scripts/cachedir.sh" && printf %s "$CLEANCAST_CACHE")}"
export CLEANCAST_CACHE
D=$CLEANCAST_CACHE/data
M=$CLEANCAST_CACHE/models
[ -f "$D/MANIFEST.sha256" ] && [ -f "$M/rnnoise.ccm" ] || { echo "SKIP: material or models not fetched"; exit 77; }
for f in "$D/speech/alsa_front_left_48k.wav" "$D/noise/alsa_noise_48k.wav" "$M/rnnoise2.ccm" \
         "$M/jitsi-rnnoise-wasm/dist/rnnoise.wasm" "$root/web/dist/cleancast-simd.wasm"; do
  [ -f "$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cli() { node "$root/web/cli.mjs" "$@"; }

# 48 kHz mono float mix: speech at -3 dB plus noise (looped), 6 s.
ffmpeg -v error -y -i "$D/speech/alsa_front_left_48k.wav" -stream_loop -1 -i "$D/noise/alsa_noise_48k.wav" \
  -filter_complex "[0:a]aformat=sample_fmts=flt:sample_rates=48000:channel_layouts=mono,apad,atrim=0:6[s];[1:a]aformat=sample_fmts=flt:sample_rates=48000:channel_layouts=mono,volume=0.5,atrim=0:6[n];[s][n]amix=inputs=2:normalize=0" \
  -c:a pcm_f32le "$tmp/mix.wav" || { echo "FAIL: SETUP FAILED: ffmpeg mix"; exit 1; }

node "$root/tests/audio/ref/rnnoise_ref.mjs" "$tmp/mix.wav" "$tmp/ref1.wav" --format f32 || fail "rnnoise_ref.mjs"
node "$root/tests/audio/ref/rnnoise2_ref.mjs" "$tmp/mix.wav" "$tmp/ref2.wav" --format f32 || fail "rnnoise2_ref.mjs"
for simd in 1 0; do
  for m in rnnoise rnnoise2; do
    ref=$tmp/ref1.wav; [ $m = rnnoise2 ] && ref=$tmp/ref2.wav
    CLEANCAST_WASM_SIMD=$simd cli denoise "$tmp/mix.wav" -o "$tmp/out_$m.wav" --model $m -v || { fail "cli denoise --model $m"; continue; }
    echo "simd=$simd model=$m:"
    node "$root/tests/audio/ref/compare.mjs" "$ref" "$tmp/out_$m.wav" --min-snr 40 | tee "$tmp/cmp" || fail "$m (simd=$simd) below 40 dB"
    grep -q "length 288000 vs 288000" "$tmp/cmp" || fail "$m: output length differs from the input's"
  done
done

# 16-bit in, 16-bit out, any rate (44.1 kHz), strength 0 is the input delayed-and-realigned.
ffmpeg -v error -y -i "$tmp/mix.wav" -ar 44100 -c:a pcm_s16le "$tmp/mix44.wav"
cli denoise "$tmp/mix44.wav" -o "$tmp/s0.wav" --strength 0 || fail "strength 0"
node "$root/tests/audio/ref/compare.mjs" "$tmp/mix44.wav" "$tmp/s0.wav" | tee "$tmp/cmp"
grep -q "SNR Infinity dB" "$tmp/cmp" || fail "strength 0 at 44.1 kHz is not the input sample for sample"

# Usage errors: 2; failures: 1; nothing left behind.
expect() { local want=$1; shift; "$@" >/dev/null 2>"$tmp/err"; local rc=$?
  [ $rc = "$want" ] || fail "'$*' exit $rc, want $want: $(cat "$tmp/err")"; }
expect 2 cli denoise "$tmp/mix.wav"
expect 2 cli denoise "$tmp/mix.wav" -o "$tmp/x.wav" --strength 2
expect 2 cli denoise "$tmp/mix.wav" -o "$tmp/x.wav" --model general
expect 2 cli denoise "$tmp/mix.wav" -o "$tmp/x.wav" --bogus
expect 2 cli mask "$tmp/mix.wav" -o "$tmp/x.pgm" --model rnnoise
expect 1 cli denoise "$tmp/nope.wav" -o "$tmp/x.wav"
expect 1 cli denoise "$tmp/mix.wav" -o "$tmp/x.wav" --model "$tmp/mix.wav"
expect 1 cli mask "$tmp/nope.ppm" -o "$tmp/x.pgm"
expect 0 cli denoise --help
CLEANCAST_CACHE=$tmp/empty XDG_CACHE_HOME=$tmp/empty HOME=$tmp/empty expect 1 cli denoise "$tmp/mix.wav" -o "$tmp/x.wav"
grep -q "not found; looked in $tmp/empty/models" "$tmp/err" || fail "missing model message: $(cat "$tmp/err")"
[ ! -e "$tmp/x.wav" ] || fail "an output was left behind after a failure"
[ $fails = 0 ] && echo "all denoise checks passed"
[ $fails = 0 ]
