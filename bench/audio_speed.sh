#!/usr/bin/env bash
# Denoiser speed: CPU microseconds per 10 ms frame (48 kHz mono), one thread, all measured in
# this run on the same input: ours (bench/audio_speed: public API, the RNNoise frame alone
# with SIMD and with C kernels, the speex engine), Debian FFmpeg's arnndn (same weights from
# rnnoise.rnnn; whole-process CPU time minus an identical run with anull instead) and the
# official wasm build under node (rnnoise_ref.mjs; whole-process CPU time minus a run on 0.1 s).
# RNNoise 0.2 likewise when its model is fetched: ours (API, frame with SIMD and C kernels) and
# the official 0.2 build (jitsi dist/rnnoise-sync.js, plain wasm without SIMD) under node
# (rnnoise2_ref.mjs, the same subtraction).
# Minimum of 5 runs for ours, 3 for the others (the machine is shared). Reported, not pass/fail.
# usage: bench/audio_speed.sh [BUILD_DIR] [SECONDS]   (default: build, 60 s)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-build}
secs=${2:-60}
. "$here/../scripts/cachedir.sh"; cache=$CLEANCAST_CACHE
model=$cache/models/rnnoise.ccm rnnn=$cache/models/rnnoise.rnnn model2=$cache/models/rnnoise2.ccm
speech=$cache/data/speech/allison_vm_options_16k.wav noise=$cache/data/noise/opensfx_applause_44k.wav
for f in "$model" "$rnnn" "$speech" "$noise" "$build/bench/audio_speed"; do
  [ -e "$f" ] || { echo "audio_speed: error: $f missing (make models data build)" >&2; exit 1; }
done
t=$(mktemp -d /tmp/cc_audio_speed_XXXXXX)
trap 'rm -rf "$t"' EXIT
ffmpeg -v error -y -stream_loop -1 -i "$speech" -stream_loop -1 -i "$noise" -filter_complex \
  "[1]volume=0.3[n];[0][n]amix=inputs=2:normalize=0:duration=longest" -t "$secs" -ar 48000 -ac 1 \
  -c:a pcm_f32le "$t/mix.wav"
ffmpeg -v error -y -i "$t/mix.wav" -t 0.1 -c:a pcm_f32le "$t/short.wav"
frames=$((secs * 100))

# cpu SECONDS of a command (user + sys, children included)
cpu() { local TIMEFORMAT='%3U %3S'; { time "$@" >/dev/null 2>&1; } 2>&1 | awk '{print $1 + $2}'; }
min3() { local best=""; for _ in 1 2 3; do v=$(cpu "$@"); best=$(awk -v a="$best" -v b="$v" 'BEGIN{print (a == "" || b < a) ? b : a}'); done; echo "$best"; }

have2=0; [ -f "$model2" ] && have2=1
"$build/bench/audio_speed" "$t/mix.wav" "$model" $([ $have2 = 1 ] && echo "$model2") > "$t/ours.txt"
ff=(ffmpeg -v error -threads 1 -filter_threads 1 -i "$t/mix.wav")
m=$(printf '%s' "$rnnn" | sed -e 's/\\/\\\\\\\\/g' -e 's/:/\\\\:/g')
t_arn=$(min3 "${ff[@]}" -af "aformat=sample_fmts=flt,arnndn=m=$m" -f null -)
t_null=$(min3 "${ff[@]}" -af "aformat=sample_fmts=flt,anull" -f null -)
ref="$here/../tests/audio/ref/rnnoise_ref.mjs"
t_wasm=$(min3 node "$ref" "$t/mix.wav" "$t/w.wav" --raw --format f32)
t_wasm0=$(min3 node "$ref" "$t/short.wav" "$t/w0.wav" --raw --format f32)
if [ $have2 = 1 ]; then
  ref2="$here/../tests/audio/ref/rnnoise2_ref.mjs"
  t_wasm2=$(min3 node "$ref2" "$t/mix.wav" "$t/w.wav" --raw --format f32)
  t_wasm20=$(min3 node "$ref2" "$t/short.wav" "$t/w0.wav" --raw --format f32)
fi

us() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN{printf "%.1f", (a - b) / n * 1e6}'; }
arn=$(us "$t_arn" "$t_null" "$frames")
wasm=$(us "$t_wasm" "$t_wasm0" "$((frames - 10))")
get() { awk -v k="$1" '$1 == k {print $2}' "$t/ours.txt"; }
api=$(get ours_api_rnnoise)
core=$(awk '$1 ~ /^ours_core_/ && $1 != "ours_core_c" {print $1, $2}' "$t/ours.txt")
echo "Denoiser speed, ${secs} s of 48 kHz mono speech+applause, one thread, CPU us per 10 ms frame"
echo "$(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-40s %8s %10s\n' "implementation" "us/frame" "vs arnndn"
row() { printf '%-40s %8s %9sx\n' "$1" "$2" "$(awk -v a="$arn" -v b="$2" 'BEGIN{printf "%.2f", a / b}')"; }
row "ours, API (rnnoise, $(echo "$core" | cut -d' ' -f1 | sed 's/ours_core_//'))" "$api"
row "ours, RNNoise frame only (SIMD kernels)" "$(echo "$core" | cut -d' ' -f2)"
row "ours, RNNoise frame only (C kernels)" "$(get ours_core_c)"
row "ours, API, speex engine" "$(get ours_api_speex)"
row "FFmpeg arnndn (Debian, same weights)" "$arn"
row "official wasm (jitsi 0.2.1) in node" "$wasm"
if [ $have2 = 1 ]; then
  wasm2=$(us "$t_wasm2" "$t_wasm20" "$((frames - 10))")
  core2=$(awk '$1 ~ /^ours_core2_/ && $1 != "ours_core2_c" {print $1, $2}' "$t/ours.txt")
  echo
  echo "RNNoise 0.2 (same input)"
  printf '%-44s %8s %10s\n' "implementation" "us/frame" "vs wasm"
  row2() { printf '%-44s %8s %9sx\n' "$1" "$2" "$(awk -v a="$wasm2" -v b="$2" 'BEGIN{printf "%.2f", a / b}')"; }
  row2 "ours, API (rnnoise2, $(echo "$core2" | cut -d' ' -f1 | sed 's/ours_core2_//'))" "$(get ours_api_rnnoise2)"
  row2 "ours, RNNoise 0.2 frame only (SIMD)" "$(echo "$core2" | cut -d' ' -f2)"
  row2 "ours, RNNoise 0.2 frame only (C)" "$(get ours_core2_c)"
  row2 "official 0.2 wasm (rnnoise-sync.js) in node" "$wasm2"
  row2 "ours, API, RNNoise 0.1 (for scale)" "$api"
else
  echo "(no $model2: RNNoise 0.2 rows left out; models/fetch_rnnoise2.sh)"
fi
