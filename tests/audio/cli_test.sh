#!/usr/bin/env bash
# `cleancast denoise` end to end: options, formats in = formats out (rate, channels, length,
# encoding, container: WAV 8/16/24/32-bit, A-law, mu-law, float, double, RF64, FLAC, Ogg
# Vorbis, all made here with ffmpeg/sox), strength 0 = input bit for bit, what strength 1
# does to the sound (noise alone attenuated, speech in noise closer to the clean speech),
# the model found by name, and every kind of bad input gives a clear error and a nonzero
# exit without leaving an output file behind.
# Needs ffmpeg/ffprobe to make inputs (skips, 77, without them); RNNoise cases need the model.
# The default model is RNNoise 0.2 (rnnoise2, CC_DENOISE_DEFAULT_MODEL); 0.1 is --model rnnoise.
set -u
BIN=${CC_BUILD_ROOT:?}/tools/cleancast
. "${CC_SOURCE_ROOT:-$(dirname "$0")/../..}/scripts/cachedir.sh"; CACHE=$CLEANCAST_CACHE
MODEL=$CACHE/models/rnnoise2.ccm   # the default
MODEL1=$CACHE/models/rnnoise.ccm   # RNNoise 0.1, by name
HERE=$(cd "$(dirname "$0")" && pwd)
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
expect_err 2 "unknown option '--frobnicate'" "$T/in.wav" -o "$T/o.wav" --frobnicate
expect_err 2 "--strength wants a number from 0 to 1, not '1.5'" "$T/in.wav" -o "$T/o.wav" --strength 1.5
expect_err 2 "--strength wants a number" "$T/in.wav" -o "$T/o.wav" --strength abc
expect_err 2 "--strength wants a number" "$T/in.wav" -o "$T/o.wav" --strength nan
expect_err 2 "--strength wants a number" "$T/in.wav" -o "$T/o.wav" --strength=-0.1
expect_err 2 "unknown --engine 'foo'" "$T/in.wav" -o "$T/o.wav" --engine foo
expect_err 2 "-o needs a value" "$T/in.wav" -o
expect_err 2 "--model needs a value" "$T/in.wav" -o "$T/o.wav" --model
expect_err 2 "more than one input" "$T/in.wav" "$T/in.wav" -o "$T/o.wav"
# --model is the denoiser's here: a segmentation name is refused, a typo named
expect_err 2 "'general': that is a segmentation model" "$T/in.wav" -o "$T/o.wav" --model general
expect_err 2 "unknown --model 'rnnoize'" "$T/in.wav" -o "$T/o.wav" --model rnnoize
"$BIN" denoise --help | grep -q -- "--model M .*rnnoise" || fail "--help does not say what --model takes"
"$BIN" denoise --help | grep -q -- "rnnoise2 (RNNoise 0.2, default)" || fail "--help does not name rnnoise2 the default"

# --- bad input files
expect_err 1 "cannot open: No such file" "$T/missing.wav" -o "$T/o.wav"
: > "$T/empty.wav";                          expect_err 1 "empty file" "$T/empty.wav" -o "$T/o.wav"
head -c 2000 "$T/in.wav" > "$T/trunc.wav";   expect_err 1 "truncated" "$T/trunc.wav" -o "$T/o.wav"
head -c 30 "$T/in.wav" > "$T/trunc2.wav";    expect_err 1 "not an audio file" "$T/trunc2.wav" -o "$T/o.wav"
head -c 5000 /dev/urandom > "$T/junk.wav";   expect_err 1 "not an audio file" "$T/junk.wav" -o "$T/o.wav"
printf 'RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\xbb\x00\x00\x00\x77\x01\x00\x02\x00\x10\x00data\x00\x00\x00\x00' > "$T/zero.wav"
expect_err 1 "no audio" "$T/zero.wav" -o "$T/o.wav"
mk "sine=r=48000:d=0.5" -c:a flac "$T/f.flac"; head -c 9000 "$T/f.flac" > "$T/tf.flac"
expect_err 1 "damaged" "$T/tf.flac" -o "$T/o.wav"
mk "sine=r=4000:d=0.1" -c:a pcm_s16le "$T/r4k.wav";    expect_err 1 "outside 8000..192000" "$T/r4k.wav" -o "$T/o.wav"
mk "aevalsrc=0|0|0|0|0|0|0|0|0:s=48000:d=0.1" -c:a pcm_s16le "$T/c9.wav"; expect_err 1 "at most 8" "$T/c9.wav" -o "$T/o.wav"
expect_err 1 "unknown audio file type" "$T/in.wav" -o "$T/o.xyz" --engine speex
[ -f "$MODEL" ] && expect_err 1 "cannot create a temporary file" "$T/in.wav" -o "$T/nodir/o.wav"
head -c 3000 /dev/urandom > "$T/bad.ccm";    expect_err 1 "cannot load model" "$T/in.wav" -o "$T/o.wav" --model "$T/bad.ccm"
expect_err 1 "nomodel.ccm': no such readable file" "$T/in.wav" -o "$T/o.wav" --model "$T/nomodel.ccm"
# The default name 'rnnoise2' found nowhere: every place looked in, and how to fetch it.
CLEANCAST_CACHE=$T/c1 XDG_CACHE_HOME=$T/c2 HOME=$T/c3 expect_err 1 "model 'rnnoise2' (rnnoise2.ccm) not found; looked in $T/c1/models, $T/c2/cleancast/models, $T/c3/.cache/cleancast/models, .*make models" "$T/in.wav" -o "$T/o.wav"
# ...and found in $XDG_CACHE_HOME when that is where it is.
if [ -f "$MODEL" ]; then
  mkdir -p "$T/c2/cleancast/models" && cp "$MODEL" "$T/c2/cleancast/models/"
  CLEANCAST_CACHE= XDG_CACHE_HOME=$T/c2 HOME=$T/c3 "$BIN" denoise "$T/in.wav" -o "$T/o.wav" -v 2>"$T/err.txt" \
    || fail "model in \$XDG_CACHE_HOME not found: $(cat "$T/err.txt")"
  rm -f "$T/o.wav"
fi
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
# "RATE CHANNELS ENCODING EXT [ffmpeg output options]": made by ffmpeg (sox for 8-bit), read by
# libsndfile; the output has the same container and encoding (ffprobe's codec name).
cases=(
  "48000 1 pcm_s16le wav"
  "44100 2 pcm_s24le wav"
  "16000 1 pcm_s32le wav"
  "22050 3 pcm_f32le wav"
  "8000 8 pcm_s16le wav"
  "96000 1 pcm_f64le wav"
  "32000 6 pcm_s24le wav"
  "8000 1 pcm_alaw wav"
  "16000 1 pcm_mulaw wav"
  "11025 1 pcm_u8 wav sox"
  "48000 2 pcm_s16le wav -rf64 always"
  "44100 1 flac flac"
  "48000 2 flac flac -sample_fmt s32"
)
for e in $engines; do
  for c in "${cases[@]}"; do
    set -- $c
    rate=$1 chans=$2 codec=$3 ext=$4; shift 4
    in="$T/in_${rate}_${chans}_${codec}_$#.$ext" out="$T/o.$ext"
    if [ "${1:-}" = sox ]; then   # an 8-bit WAV from sox, as ffmpeg's own tests would not
      sox -n -r "$rate" -c "$chans" -b 8 -e unsigned-integer "$in" synth 0.73 whitenoise vol 0.05
    else
      mk "anoisesrc=r=$rate:a=0.05:d=0.73" -ac "$chans" -c:a "$codec" "$@" "$in"
    fi
    "$BIN" denoise "$in" -o "$out" --engine $e 2>"$T/err.txt" || { fail "$e $c: exit $? $(cat "$T/err.txt")"; continue; }
    a=$(info "$in"); b=$(info "$out")
    [ "$a" = "$b" ] || fail "$e $c: format/length changed: '$a' -> '$b'"
    [ "$(frames "$in")" = "$(frames "$out")" ] || fail "$e $c: sample count changed"
    [ "$(head -c 4 "$in")" = "$(head -c 4 "$out")" ] || fail "$e $c: container changed: $(head -c 4 "$out")"
    # strength 0: the very same samples
    "$BIN" denoise "$in" -o "$T/o0.$ext" --engine $e --strength 0 || fail "$e $c strength 0"
    # (32-bit integers and doubles travel as floats: the same samples at float precision)
    cmpfmt=f64le; case $codec in pcm_s32le|pcm_f64le) cmpfmt=f32le ;; esac
    [ "$(ffmpeg -v error -i "$in" -f $cmpfmt - | md5sum)" = "$(ffmpeg -v error -i "$T/o0.$ext" -f $cmpfmt - | md5sum)" ] \
      || fail "$e $c: strength 0 is not the input bit for bit"
    rm -f "$out" "$T/o0.$ext"
  done
  # Lossy Ogg Vorbis in, Ogg Vorbis out (same rate, channels, codec); and a change of container.
  mk "anoisesrc=r=48000:a=0.05:d=0.73" -ac 2 -c:a libvorbis "$T/v.ogg"
  "$BIN" denoise "$T/v.ogg" -o "$T/o.ogg" --engine $e 2>"$T/err.txt" || fail "$e ogg: $(cat "$T/err.txt")"
  [ "$(info "$T/v.ogg" | cut -d, -f1-3)" = "$(info "$T/o.ogg" | cut -d, -f1-3)" ] || fail "$e ogg: $(info "$T/v.ogg") -> $(info "$T/o.ogg")"
  "$BIN" denoise "$T/v.ogg" -o "$T/o.flac" --engine $e 2>"$T/err.txt" && [ "$(info "$T/o.flac" | cut -d, -f1)" = flac ] \
    || fail "$e ogg -> flac: $(info "$T/o.flac") $(cat "$T/err.txt")"
  rm -f "$T/o.ogg" "$T/o.flac"
  # What strength 1 does to the sound. Noise alone: attenuated by at least the amount below.
  mk "anoisesrc=r=48000:a=0.1:c=pink:d=3:seed=${NOISE_SEED:-42}" -c:a pcm_s16le "$T/noise.wav"
  "$BIN" denoise "$T/noise.wav" -o "$T/on.wav" --engine $e || fail "$e noise only"
  att=$(python3 "$HERE/pcmstats.py" gain "$T/noise.wav" "$T/on.wav")
  want=$([ $e = rnnoise ] && echo 10 || echo 4)   # rnnoise: the default model, 0.2
  echo "$e: noise alone attenuated by $att dB (want >= $want)"
  awk -v a="$att" -v w="$want" 'BEGIN { exit !(a >= w) }' || fail "$e: noise alone only $att dB quieter"
  # Speech in noise (real speech, pink noise at 5 dB SNR): SI-SDR against the clean speech
  # improves by at least the amount below (measured: see the numbers this prints).
  speech=$CACHE/data/speech/jfk_16k.wav
  if [ -f "$speech" ]; then
    ffmpeg -v error -y -i "$speech" -ar 48000 -ac 1 -c:a pcm_f32le "$T/clean.wav"
    python3 "$HERE/pcmstats.py" mix "$T/clean.wav" "$T/noise.wav" 5 "$T/noisy.f32"
    ffmpeg -v error -y -f f32le -ar 48000 -ac 1 -i "$T/noisy.f32" -c:a pcm_f32le "$T/noisy.wav"
    "$BIN" denoise "$T/noisy.wav" -o "$T/den.wav" --engine $e || fail "$e speech in noise"
    before=$(python3 "$HERE/pcmstats.py" sisdr "$T/clean.wav" "$T/noisy.wav")
    after=$(python3 "$HERE/pcmstats.py" sisdr "$T/clean.wav" "$T/den.wav")
    want=$([ $e = rnnoise ] && echo 4 || echo 3)
    echo "$e: speech in noise, SI-SDR $before dB -> $after dB (want +$want)"
    awk -v a="$after" -v b="$before" -v w="$want" 'BEGIN { exit !(a - b >= w) }' \
      || fail "$e: SI-SDR only $before -> $after dB"
  elif [ -f "$CACHE/data/MANIFEST.sha256" ]; then
    fail "$speech missing although data/fetch.sh ran"
  else
    echo "no test material (make setup): the speech-in-noise check is skipped"
  fi
  rm -f "$T/on.wav" "$T/den.wav"
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
# The default is RNNoise 0.2: no --model gives what --model rnnoise2 gives, sample for sample.
"$BIN" denoise --help | grep -q "rnnoise2" || fail "--help does not offer rnnoise2"
if [ -f "$MODEL" ]; then
  mk "anoisesrc=r=44100:a=0.05:d=0.73" -ac 2 -c:a pcm_f32le "$T/def.wav"
  "$BIN" denoise "$T/def.wav" -o "$T/od.wav" && "$BIN" denoise "$T/def.wav" -o "$T/o2.wav" --model rnnoise2 \
    && cmp -s "$T/od.wav" "$T/o2.wav" || fail "no --model is not --model rnnoise2"
  # Same input, same bytes, also a second later (libsndfile's float-WAV PEAK chunk carries the
  # wall-clock time unless it is turned off).
  sleep 1.1
  "$BIN" denoise "$T/def.wav" -o "$T/o3.wav" --model rnnoise2 && cmp -s "$T/o2.wav" "$T/o3.wav" \
    || fail "two runs on the same input wrote different bytes"
  rm -f "$T/od.wav" "$T/o2.wav" "$T/o3.wav"
fi
# RNNoise 0.1 by name (--model rnnoise): formats and length kept, strength 0 exact, speech in
# noise improved. Its model is fetched by models/fetch.sh (`make models`).
if [ -f "$MODEL1" ]; then
  for c in "44100 2 pcm_s24le" "16000 1 pcm_s16le" "48000 1 pcm_f32le"; do
    set -- $c
    in="$T/in1_$1_$2_$3.wav"
    mk "anoisesrc=r=$1:a=0.05:d=0.73" -ac "$2" -c:a "$3" "$in"
    "$BIN" denoise "$in" -o "$T/o.wav" --model rnnoise 2>"$T/err.txt" || { fail "rnnoise $c: $(cat "$T/err.txt")"; continue; }
    [ "$(info "$in")" = "$(info "$T/o.wav")" ] || fail "rnnoise $c: format/length changed: $(info "$T/o.wav")"
    "$BIN" denoise "$in" -o "$T/o0.wav" --model rnnoise --strength 0 || fail "rnnoise $c strength 0"
    [ "$(ffmpeg -v error -i "$in" -f f64le - | md5sum)" = "$(ffmpeg -v error -i "$T/o0.wav" -f f64le - | md5sum)" ] \
      || fail "rnnoise $c: strength 0 is not the input bit for bit"
    rm -f "$T/o.wav" "$T/o0.wav"
  done
  if [ -f "$T/noisy.wav" ]; then
    "$BIN" denoise "$T/noisy.wav" -o "$T/den1.wav" --model rnnoise || fail "rnnoise speech in noise"
    before=$(python3 "$HERE/pcmstats.py" sisdr "$T/clean.wav" "$T/noisy.wav")
    after=$(python3 "$HERE/pcmstats.py" sisdr "$T/clean.wav" "$T/den1.wav")
    echo "--model rnnoise (0.1): speech in noise, SI-SDR $before dB -> $after dB (want +4)"
    awk -v a="$after" -v b="$before" 'BEGIN { exit !(a - b >= 4) }' || fail "rnnoise (0.1): SI-SDR only $before -> $after dB"
  fi
else
  echo "no RNNoise 0.1 model (models/fetch.sh): --model rnnoise cases skipped"
fi
echo "cli: $fails failure(s)"
[ $fails -eq 0 ]
