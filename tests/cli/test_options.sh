#!/usr/bin/env bash
# The CLI's shared options, command by command: each bad value is refused with exit 2, a
# message naming the option and the value, and no output file; each command's --help says
# what --model means there. Needs no fetched material (parsing happens before anything opens).
set -u
BIN=${CC_BUILD_ROOT:?}/tools/cleancast
[ -x "$BIN" ] || { echo "no $BIN"; exit 1; }
T=$(mktemp -d /tmp/cc_opts_XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0 checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# bad CMD PATTERN ARGS...: exit 2, stderr matches PATTERN, nothing written under $T/out*
bad() {
  local cmd=$1 pat=$2; shift 2
  checks=$((checks + 1))
  "$BIN" $cmd "$@" >"$T/stdout" 2>"$T/stderr"; local rc=$?
  [ $rc -eq 2 ] || fail "$cmd $*: exit $rc, want 2 ($(cat "$T/stderr"))"
  grep -q -- "$pat" "$T/stderr" || fail "$cmd $*: stderr lacks '$pat': $(cat "$T/stderr")"
  ls "$T"/out* >/dev/null 2>&1 && { fail "$cmd $*: left $(ls "$T"/out*)"; rm -f "$T"/out*; }
}
: > "$T/in.png"; : > "$T/in.mp4"; : > "$T/in.wav"
# Where each command's input and output go.
args_mask=("$T/in.png" -o "$T/out.pgm")
args_process_image=("$T/in.png" -o "$T/out.png")
args_process_video=("$T/in.mp4" -o "$T/out.mp4")
args_live=(--camera "$T/in.mp4" --mic none -o "$T/out.mkv")
args_denoise=("$T/in.wav" -o "$T/out.wav")

# --model (segmentation) in mask, process (image and video), live
for c in mask process_image process_video live; do
  cmd=${c%%_*}; eval "a=(\"\${args_$c[@]}\")"
  bad $cmd "unknown --model 'tiny'" "${a[@]}" --model tiny
  bad $cmd "'rnnoise': that is a noise-suppression model" "${a[@]}" --model rnnoise
  bad $cmd "--model needs a value" "${a[@]}" --model
  bad $cmd "unknown --backend 'gpu'" "${a[@]}" --backend gpu
  bad $cmd "unknown option '--frobnicate'" "${a[@]}" --frobnicate
done
# --background, --light-wrap in process (image and video) and live
for c in process_image process_video live; do
  cmd=${c%%_*}; eval "a=(\"\${args_$c[@]}\")"
  bad $cmd "unknown --background 'sparkle'" "${a[@]}" --background sparkle
  bad $cmd "blur:STRENGTH wants a number from 0 to 1, not '7'" "${a[@]}" --background blur:7
  bad $cmd "color:RRGGBB wants 6 hex digits, not 'XYZ'" "${a[@]}" --background color:XYZ
  bad $cmd "--light-wrap wants a number from 0 to 1, not '-1'" "${a[@]}" --light-wrap -1
done
# --strength, --denoise, --denoise-model in process and live; --strength, --engine, --model in denoise
for c in process_video live denoise; do
  cmd=${c%%_*}; eval "a=(\"\${args_$c[@]}\")"
  for v in 2 -0.5 x nan 1e9 ''; do
    bad $cmd "--strength wants a number from 0 to 1, not '$v'" "${a[@]}" --strength "$v"
  done
done
for c in process_video live; do
  cmd=${c%%_*}; eval "a=(\"\${args_$c[@]}\")"
  bad $cmd "unknown --denoise 'loud' (rnnoise, speex or off)" "${a[@]}" --denoise loud
  bad $cmd "--denoise-model 'general': that is a segmentation model" "${a[@]}" --denoise-model general
  bad $cmd "unknown --denoise-model 'rnnoize'" "${a[@]}" --denoise-model rnnoize
  bad $cmd "--threads wants a whole number from 0 to 64, not '1.5'" "${a[@]}" --threads 1.5
  bad $cmd "--crf wants a whole number from 0 to 63, not '99'" "${a[@]}" --crf 99
done
bad denoise "unknown --engine 'loud' (rnnoise or speex)" "${args_denoise[@]}" --engine loud
bad denoise "'landscape': that is a segmentation model" "${args_denoise[@]}" --model landscape
bad process "--camera is a live option" "${args_process_video[@]}" --camera /dev/video0
bad live "--duration wants a number" "${args_live[@]}" --duration soon
bad live "--video-size wants WIDTHxHEIGHT" "${args_live[@]}" --video-size big

# --help: one meaning per name
"$BIN" mask --help | grep -q -- "--model NAME .*segmentation model" || fail "mask --help: --model"
for cmd in process live; do
  h=$("$BIN" $cmd --help)
  grep -q -- "--model NAME .*segmentation model" <<<"$h" || fail "$cmd --help: --model"
  grep -q -- "--denoise-model M .*rnnoise" <<<"$h" || fail "$cmd --help: --denoise-model"
done
"$BIN" denoise --help | grep -q -- "--model M .*denoiser's model: rnnoise" || fail "denoise --help: --model"
echo "options: $checks bad-value checks, $fails failure(s)"
[ $fails -eq 0 ]
