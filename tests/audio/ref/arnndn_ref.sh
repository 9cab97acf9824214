#!/usr/bin/env bash
# Second, independent RNNoise reference: Debian FFmpeg's arnndn filter with our .rnnn export of
# the same weights.
#
# usage: arnndn_ref.sh IN.wav OUT.wav [--model M.rnnn] [--format s16|f32] [--aligned]
#
# Level alignment. RNNoise's features assume int16-scale samples and xiph's FFT, which scales
# the forward transform by 1/960. FFmpeg feeds arnndn +-1 floats and its forward FFT is
# unscaled (the inverse divides by 960). So for an int16-scale signal s = 32768 f, arnndn sees
# the same spectrum when its input is s/960 = f * 32768/960: we apply volume=32768/960 before
# and 960/32768 after, in float, which makes OUT directly comparable with rnnoise_ref.mjs and
# ours at the natural level. (Bit-exact power-of-two variant: FFmpeg input x32 matches xiph
# fed x30720 = 32*960; rnnoise_ref.mjs --gain 0.9375 reproduces that side.)
#
# Delay. arnndn keeps RNNoise's 480-sample delay and pads the tail to whole frames; by
# default OUT is as FFmpeg gives it (like rnnoise_ref.mjs --raw). --aligned drops the first
# 480 samples, pushes one extra frame of zeros through and trims to the input length (like rnnoise_ref.mjs's default).
# Measured (codec2 ve9qrp, 112 s): arnndn vs the wasm reference, both aligned, 36.2 dB SNR.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/cachedir.sh"; CACHE=$CLEANCAST_CACHE
model=$CACHE/models/rnnoise.rnnn fmt=s16 aligned=0 pos=()
while [ $# -gt 0 ]; do
  case $1 in
    --model) model=$2; shift 2 ;;
    --format) fmt=$2; shift 2 ;;
    --aligned) aligned=1; shift ;;
    -*) echo "arnndn_ref: error: unknown option $1" >&2; exit 1 ;;
    *) pos+=("$1"); shift ;;
  esac
done
[ ${#pos[@]} -eq 2 ] || { echo "usage: arnndn_ref.sh IN.wav OUT.wav [--model M.rnnn] [--format s16|f32] [--aligned]" >&2; exit 1; }
in=${pos[0]} out=${pos[1]}
[ -f "$model" ] || { echo "arnndn_ref: error: $model not found (run models/fetch_rnnoise.sh)" >&2; exit 1; }
[ -f "$in" ] || { echo "arnndn_ref: error: $in not found" >&2; exit 1; }
case $fmt in s16) codec=pcm_s16le ;; f32) codec=pcm_f32le ;; *) echo "arnndn_ref: error: --format s16|f32" >&2; exit 1 ;; esac
rate=$(ffprobe -v quiet -select_streams a:0 -show_entries stream=sample_rate -of csv=p=0 "$in" || true)
[ "$rate" = 48000 ] || { echo "arnndn_ref: error: $in: ${rate:+$rate Hz; }need a 48000 Hz audio file" >&2; exit 1; }
# The filter graph sees the model path as an option value: escape ':' and '\'.
m=$(printf '%s' "$model" | sed -e 's/\\/\\\\\\\\/g' -e 's/:/\\\\:/g')
chain="aformat=sample_fmts=flt,volume=34.1333333333:precision=float,arnndn=m=$m,volume=0.029296875:precision=float"
if [ $aligned = 1 ]; then
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  n=$(node -e 'import(process.argv[1]).then((w) => console.log(w.readAudio(process.argv[2]).channels[0].length))' "$here/audio_io.mjs" "$in") ||
    { echo "arnndn_ref: error: cannot read $in as WAV" >&2; exit 1; }
  # one extra frame of zeros pushes the last input samples out
  chain="apad=pad_len=480,$chain,atrim=start_sample=480,asetpts=PTS-STARTPTS,atrim=end_sample=$n"
fi
ffmpeg -nostdin -hide_banner -loglevel error -y -i "$in" -af "$chain" -c:a $codec "$out"
