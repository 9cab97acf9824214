#!/usr/bin/env bash
# `cleancast denoise` end to end: options, formats in = formats out (rate, channels, length,
# encoding), strength 0 = input bit for bit, and every kind of bad input gives a clear error
# and a nonzero exit without leaving an output file behind.
# Needs ffmpeg/ffprobe to make inputs (skips, 77, without them); RNNoise cases need the model.
set -u
BIN=${CC_BUILD_ROOT:?}/tools/cleancast
. "${CC_SOURCE_ROOT:-$(dirname "$0")/../..}/scripts/cachedir.sh"; CACHE=$CLEANCAST_CACHE
MODEL=$CACHE/models/rnnoise.ccm
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || { echo "no ffmpeg: skipped"; exit 77; }
[ -x "$BIN" ] || { echo "no $BIN"; exit 1; }
T=$(mktemp -d /tmp/cc_cli_XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_err CODE PATTERN ARGS... : exit status CODE (or any nonzero if '!') and stderr ~ PATTERN
expect_err() {
  local code=$1 pat=$2; shift 2
  "$BIN" denoise "$@" >"$T/out.txt" 2>"$T/err.txt"; local rc=$?
  if [ "$code" = '!' ]; then [ $rc -ne 0 ] || fail "'$*' exited 0"; else [ $rc -eq "$code" ] || fail "'$*' exited $rc, want $code"; fi
  grep -qi -- "$pat" "$T/err.txt" || fail "'$*': stderr lacks '$pat': $(cat "$T/err.txt")"
  [ $rc -ne 0 ] && ls "$T"/o.wav* >/dev/null 2>&1 && fail "'$*' left an output file: $(ls "$T"/o.wav*)"
  rm -f "$T"/o.wav*
}

mk() { ffmpeg -v error -y -f lavfi -i "$1" "${@:2}"; }
info() { ffprobe -v error -select_streams a:0 -show_entries stream=sample_rate,channels,codec_name,duration_ts -of csv=p=0 "$1"; }
frames() { ffmpeg -v error -i "$1" -f f32le - | wc -c; }

# --- options
"$BIN" denoise --help | grep -q "usage: cleancast denoise" || fail "--help"
mk "sine=f=300:r=48000:d=0.5" -c:a pcm_s16le "$T/in.wav"
expect_err 2 "need an input" 
expect_err 2 "need an input" "$T/in.wav"
expect_err 2 "unknown option" "$T/in.wav" -o "$T/o.wav" --frobnicate
expect_err 2 "not a number in 0..1" "$T/in.wav" -o "$T/o.wav" --strength 1.5
expect_err 2 "not a number in 0..1" "$T/in.wav" -o "$T/o.wav" --strength abc
expect_err 2 "not a number in 0..1" "$T/in.wav" -o "$T/o.wav" --strength nan
expect_err 2 "unknown engine" "$T/in.wav" -o "$T/o.wav" --engine foo
expect_err 2 "needs a value" "$T/in.wav" -o
expect_err 2 "more than one input" "$T/in.wav" "$T/in.wav" -o "$T/o.wav"

# --- bad input files
expect_err 1 "cannot open" "$T/missing.wav" -o "$T/o.wav"
: > "$T/empty.wav";                          expect_err 1 "too short" "$T/empty.wav" -o "$T/o.wav"
head -c 2000 "$T/in.wav" > "$T/trunc.wav";   expect_err 1 "truncated" "$T/trunc.wav" -o "$T/o.wav"
head -c 30 "$T/in.wav" > "$T/trunc2.wav";    expect_err 1 "bad size\|truncated\|no data" "$T/trunc2.wav" -o "$T/o.wav"
head -c 5000 /dev/urandom > "$T/junk.wav";   expect_err 1 "not a RIFF" "$T/junk.wav" -o "$T/o.wav"
printf 'RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\xbb\x00\x00\x00\x77\x01\x00\x02\x00\x10\x00data\x00\x00\x00\x00' > "$T/zero.wav"
expect_err 1 "no audio" "$T/zero.wav" -o "$T/o.wav"
mk "sine=r=48000:d=0.1" -c:a pcm_u8 "$T/u8.wav";       expect_err 1 "unsupported PCM sample size 8" "$T/u8.wav" -o "$T/o.wav"
mk "sine=r=48000:d=0.1" -c:a pcm_alaw "$T/alaw.wav";   expect_err 1 "unsupported WAV encoding" "$T/alaw.wav" -o "$T/o.wav"
mk "sine=r=48000:d=0.1" -c:a pcm_mulaw "$T/mulaw.wav"; expect_err 1 "unsupported WAV encoding" "$T/mulaw.wav" -o "$T/o.wav"
mk "sine=r=48000:d=0.1" -c:a adpcm_ms "$T/adpcm.wav";  expect_err 1 "unsupported WAV encoding" "$T/adpcm.wav" -o "$T/o.wav"
mk "sine=r=4000:d=0.1" -c:a pcm_s16le "$T/r4k.wav";    expect_err 1 "outside 8000..192000" "$T/r4k.wav" -o "$T/o.wav"
mk "aevalsrc=0|0|0|0|0|0|0|0|0:s=48000:d=0.1" -c:a pcm_s16le "$T/c9.wav"; expect_err 1 "at most 8" "$T/c9.wav" -o "$T/o.wav"
[ -f "$MODEL" ] && expect_err 1 "cannot create a temporary file" "$T/in.wav" -o "$T/nodir/o.wav"
head -c 3000 /dev/urandom > "$T/bad.ccm";    expect_err 1 "cannot load model" "$T/in.wav" -o "$T/o.wav" --model "$T/bad.ccm"
expect_err 1 "cannot load model" "$T/in.wav" -o "$T/o.wav" --model "$T/nomodel.ccm"
# a failing run leaves an existing output alone
echo keep > "$T/keep.wav"
"$BIN" denoise "$T/trunc.wav" -o "$T/keep.wav" 2>/dev/null && fail "truncated input accepted"
[ "$(cat "$T/keep.wav")" = keep ] || fail "existing output clobbered by a failing run"
ls "$T"/keep.wav.tmp* >/dev/null 2>&1 && fail "temporary file left behind"

# --- formats in = formats out
# A build without speexdsp has no speex engine (rnnoise resamples with our own resampler).
mk "sine=r=16000:d=0.1" -c:a pcm_s16le "$T/r16.wav"
nospeex=0
"$BIN" denoise "$T/r16.wav" -o "$T/o.wav" --engine speex 2>&1 | grep -q "no speexdsp" && nospeex=1
rm -f "$T/o.wav"
engines="speex"
[ $nospeex = 1 ] && { engines=""; echo "no speexdsp in this build: speex cases skipped"; }
if [ -f "$MODEL" ]; then engines="rnnoise $engines"; else echo "no model: rnnoise cases skipped"; fi
cases=(
  "48000 1 pcm_s16le"
  "44100 2 pcm_s24le"
  "16000 1 pcm_s32le"
  "22050 3 pcm_f32le"
  "8000 8 pcm_s16le"
  "96000 1 pcm_f64le"
  "32000 6 pcm_s24le"
)
for e in $engines; do
  for c in "${cases[@]}"; do
    set -- $c
    in="$T/in_$1_$2_$3.wav"
    mk "anoisesrc=r=$1:a=0.05:d=0.73" -af "volume=1" -ac "$2" -c:a "$3" "$in"
    "$BIN" denoise "$in" -o "$T/o.wav" --engine $e 2>"$T/err.txt" || { fail "$e $c: exit $? $(cat "$T/err.txt")"; continue; }
    a=$(info "$in"); b=$(info "$T/o.wav")
    [ "$a" = "$b" ] || fail "$e $c: format/length changed: '$a' -> '$b'"
    [ "$(frames "$in")" = "$(frames "$T/o.wav")" ] || fail "$e $c: sample count changed"
    # strength 0: the very same samples
    "$BIN" denoise "$in" -o "$T/o0.wav" --engine $e --strength 0 || fail "$e $c strength 0"
    [ "$(ffmpeg -v error -i "$in" -f f64le - | md5sum)" = "$(ffmpeg -v error -i "$T/o0.wav" -f f64le - | md5sum)" ] \
      || fail "$e $c: strength 0 is not the input bit for bit"
    rm -f "$T/o.wav" "$T/o0.wav"
  done
  # full-scale clipping square wave, NaN/Inf floats, silence: accepted, finite output
  mk "aevalsrc=if(lt(mod(t\,0.01)\,0.005)\,1\,-1):s=48000:d=0.5" -c:a pcm_s16le "$T/clip.wav"
  "$BIN" denoise "$T/clip.wav" -o "$T/o.wav" --engine $e || fail "$e clipping input"
  mk "anullsrc=r=48000:cl=mono" -t 0.5 -c:a pcm_s16le "$T/sil.wav"
  "$BIN" denoise "$T/sil.wav" -o "$T/o.wav" --engine $e || fail "$e silence"
  [ "$(ffmpeg -v error -i "$T/o.wav" -f s16le - | tr -d '\0' | wc -c)" = 0 ] || fail "$e: silence in, non-silence out"
  { printf 'RIFF\x3c\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x03\x00\x01\x00\x80\xbb\x00\x00\x00\xee\x02\x00\x04\x00\x20\x00data\x18\x00\x00\x00'
    printf '\x00\x00\xc0\x7f\x00\x00\x80\x7f\x00\x00\x80\xff\x00\x00\x00\x3f\x00\x00\xc0\x7f\x00\x00\x00\xbf'; } > "$T/nan.wav"
  "$BIN" denoise "$T/nan.wav" -o "$T/o.wav" --engine $e 2>"$T/err.txt" || fail "$e NaN input: $(cat "$T/err.txt")"
  grep -q "replaced by silence" "$T/err.txt" || fail "$e: NaN input not reported"
  # a float is NaN/Inf when its exponent bits are all ones: 7f8xxxxx..7fffffff, ff8.....
  ffmpeg -v error -i "$T/o.wav" -f f32le - | od -An -v -t x4 | grep -Eqi '(^| )(7f[89a-f]|ff[89a-f])' && fail "$e: NaN/Inf in output"
done
echo "cli: $fails failure(s)"
[ $fails -eq 0 ]
