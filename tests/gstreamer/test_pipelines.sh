#!/usr/bin/env bash
# Real GStreamer pipelines (gst-launch-1.0) with cleancastvideo / cleancastaudio on DATA.md
# material, against the cleancast CLI on the same input (same library: the outputs should be
# the same, and these checks say how close they are):
#  1. A/V file: filesrc ! qtdemux ! decodebin ! videoconvert ! cleancastvideo ! x264enc ! mp4mux
#     with the audio branch through cleancastaudio ! avenc_aac, both elements with their
#     defaults, against `cleancast process` with no cleaning options (x264 lossless on both
#     sides, so decoded frames compare exactly). Frames, samples, timestamps and A/V sync
#     (flash vs voice onset, tests/media/avsync.py) of the output file, against a GStreamer
#     anchor transcode of the same clip without the elements.
#  2. Video options (replace image + light wrap + landscape model; colour + raw; blur strength;
#     transparent on a PNG) against the same `cleancast process --background ...` options.
#  3. Audio files (48 kHz mono, 44.1 kHz stereo; default rnnoise2, rnnoise, speex at strength 0.5)
#     through wavparse ! cleancastaudio ! wavenc against `cleancast denoise`.
#   test_pipelines.sh CLEANCAST_EXE GSTCMP_EXE   (GST_PLUGIN_PATH names the build's plugin)
source "$(dirname "$0")/../media/lib.sh" "$1"
GSTCMP=$(realpath "${2:?usage: test_pipelines.sh CLEANCAST GSTCMP}")
need_cmd gst-launch-1.0 gst-inspect-1.0 ffmpeg ffprobe python3
for e in cleancastvideo cleancastaudio; do
  gst-inspect-1.0 "$e" >/dev/null 2>&1 || { echo "FAIL: element $e not found (GST_PLUGIN_PATH=${GST_PLUGIN_PATH:-})" >&2; exit 1; }
done
for e in qtdemux mp4mux x264enc avenc_aac avdec_h264 avdec_aac wavparse wavenc pngenc decodebin videoconvert audioconvert audioresample pngdec; do
  gst-inspect-1.0 "$e" >/dev/null 2>&1 || setup_fail "GStreamer element $e missing (scripts/install-deps.sh installs it)"
done
[ -f "$CACHE/models/selfie_segmentation.tflite" ] && [ -f "$CACHE/models/rnnoise.ccm" ] || {
  [ -f "$CACHE/models/rnnoise.stamp" ] || skip "models never fetched (make models)"
  setup_fail "models missing from $CACHE/models although models/fetch.sh ran"
}
D=$CACHE/data
need_file "$D/images/astronaut.png"
need_file "$D/speech/allison_demo_congrats_16k.wav"
need_file "$D/noise/sonicpi_loop_3d_printer_44k.wav"
W=$WORK
GLOG=$W/gst.log
# gl PIPELINE...: gst-launch-1.0 -e, failing the check with GStreamer's message
gl() { timeout 300 gst-launch-1.0 -q -e "$@" >"$GLOG" 2>&1 || { fail "gst-launch-1.0 failed: $(grep -v '^$' "$GLOG" | tail -4 | tr '\n' ' ')"; return 1; }; }
# cmpv A B -> "key=value ..." for raw I420 400x300
kv() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
to_yuv() { ffmpeg -v error -nostdin -y -i "$1" -map 0:v:0 -f rawvideo -pix_fmt yuv420p "$2"; }
to_f32() { ffmpeg -v error -nostdin -y -i "$1" -map 0:a:0 -f f32le -c:a pcm_f32le "$2"; }

# ------------------------------------------------------------------ 1. A/V file
make_sync_clip "$W/sync.mp4" 8
av_pipeline() { # av_pipeline OUT [VIDEO_ELEMENT AUDIO_ELEMENT]
  echo "filesrc location=$W/sync.mp4 ! qtdemux name=d" \
    "d.video_0 ! queue ! decodebin ! videoconvert ! ${2:-identity} ! videoconvert ! x264enc pass=quant quantizer=0 speed-preset=veryfast ! queue ! mp4mux name=m ! filesink location=$1" \
    "d.audio_0 ! queue ! decodebin ! audioconvert ! audioresample ! ${3:-identity} ! audioconvert ! avenc_aac bitrate=128000 ! queue ! m."
}
gl $(av_pipeline "$W/gst.mp4" cleancastvideo cleancastaudio) && pass "A/V pipeline with cleancastvideo and cleancastaudio ran"
gl $(av_pipeline "$W/plain.mp4") || setup_fail "the anchor GStreamer transcode failed"
"$BIN" process "$W/sync.mp4" -o "$W/cli.mp4" --crf 0 -q 2>"$W/cli.log" || setup_fail "cleancast process failed: $(tail -3 "$W/cli.log")"
to_yuv "$W/gst.mp4" "$W/gst.yuv"; to_yuv "$W/cli.mp4" "$W/cli.yuv"
r=$("$GSTCMP" video 400 300 "$W/gst.yuv" "$W/cli.yuv"); echo "   video, GStreamer vs CLI: $r"
[ "$(kv frames_a <<<"$r")" = 200 ] && [ "$(kv frames_b <<<"$r")" = 200 ] && pass "200 frames each" || fail "frame counts: $r"
# measured: identical (max 0): same decoder (libavcodec), same library, same colour matrix
[ "$(kv max <<<"$r")" -le 2 ] && pass "video frames match the CLI's (largest difference $(kv max <<<"$r"))" || fail "video differs from the CLI's: $r"
to_f32 "$W/gst.mp4" "$W/gst.f32"; to_f32 "$W/cli.mp4" "$W/cli.f32"
to_f32 "$W/plain.mp4" "$W/plain.f32"; to_f32 "$W/sync.mp4" "$W/src.f32"
ra=$("$GSTCMP" audio "$W/cli.f32" "$W/gst.f32"); echo "   audio, GStreamer vs CLI (AAC on both sides): $ra"
r0=$("$GSTCMP" audio "$W/src.f32" "$W/plain.f32"); echo "   audio, anchor transcode vs source: $r0"
# GStreamer's avenc_aac + mp4mux write no edit list for the encoder's priming samples: the
# anchor shows that shift; with the elements the shift must be the same (they add none).
[ "$(kv best_lag <<<"$ra")" = "$(kv best_lag <<<"$r0")" ] \
  && pass "audio shift against the CLI = the anchor's ($(kv best_lag <<<"$r0") samples, AAC priming): the element keeps time" \
  || fail "audio shift $(kv best_lag <<<"$ra") samples against the CLI, anchor $(kv best_lag <<<"$r0")"
python3 -c "import sys; sys.exit(0 if $(kv best_snr <<<"$ra") >= 60 else 1)" \
  && pass "audio matches the CLI's at that shift (SNR $(kv best_snr <<<"$ra") dB)" || fail "audio SNR against the CLI $(kv best_snr <<<"$ra") dB"
# timestamps: every video frame where the source has it; audio from 0 for the source's length
vpts() { ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 "$1" | sort -g | md5sum; }
[ "$(vpts "$W/gst.mp4")" = "$(vpts "$W/sync.mp4")" ] && pass "video timestamps = the source's" || fail "video timestamps differ from the source's"
for f in gst plain; do
  read -r st du < <(ffprobe -v error -select_streams a:0 -show_entries stream=start_time,duration -of csv=p=0 "$W/$f.mp4" | tr ',' ' ')
  eval "${f}_ast=$st ${f}_adur=$du"
done
read -r sst sdu < <(ffprobe -v error -select_streams a:0 -show_entries stream=start_time,duration -of csv=p=0 "$W/sync.mp4" | tr ',' ' ')
echo "   audio stream start/duration: source $sst/$sdu s, anchor $plain_ast/$plain_adur s, ours $gst_ast/$gst_adur s"
[ "$gst_ast" = "$plain_ast" ] && [ "$gst_adur" = "$plain_adur" ] && pass "audio start and duration = the anchor's" || fail "audio start/duration $gst_ast/$gst_adur, anchor $plain_ast/$plain_adur"
off() { python3 "$HERE/avsync.py" "$1" | python3 -c 'import json,sys; v=json.load(sys.stdin)["mean_offset_ms"]; print("nan" if v is None else v)'; }
og=$(off "$W/gst.mp4"); op=$(off "$W/plain.mp4"); oc=$(off "$W/cli.mp4"); os=$(off "$W/sync.mp4")
echo "   A/V offset (voice onset - flash): source $os ms, CLI $oc ms, GStreamer anchor $op ms, GStreamer with the elements $og ms"
python3 -c "import sys; sys.exit(0 if abs($og - $op) <= 10 else 1)" \
  && pass "A/V sync: the elements move audio against video by $(python3 -c "print('%.1f' % ($og - $op))") ms (onset detection works in 5 ms blocks)" \
  || fail "A/V offset with the elements $og ms, anchor $op ms"

# ------------------------------------------------------------------ 2. video options
IMG=$D/images/astronaut.png
variant() { # variant NAME "GST PROPERTIES" CLI OPTIONS...
  local name=$1 props=$2; shift 2
  gl filesrc location="$W/sync.mp4" ! qtdemux name=d d.video_0 ! decodebin ! videoconvert ! cleancastvideo $props ! videoconvert ! x264enc pass=quant quantizer=0 speed-preset=ultrafast ! mp4mux ! filesink location="$W/g_$name.mp4" || return
  "$BIN" process "$W/sync.mp4" -o "$W/v_$name.mp4" --crf 0 --denoise off -q "$@" 2>"$W/cli.log" || { fail "$name: cleancast process failed: $(tail -2 "$W/cli.log")"; return; }
  to_yuv "$W/g_$name.mp4" "$W/a.yuv"; to_yuv "$W/v_$name.mp4" "$W/b.yuv"
  local r; r=$("$GSTCMP" video 400 300 "$W/a.yuv" "$W/b.yuv"); echo "   $name: $r"
  [ "$(kv frames_a <<<"$r")" = 200 ] && [ "$(kv max <<<"$r")" -le 2 ] && pass "$name: frames match the CLI's" || fail "$name: $r"
}
variant replace "background=replace background-image=$IMG light-wrap=0.3 model=landscape" \
  --background "replace:$IMG" --light-wrap 0.3 --model landscape
variant color "background=color color=0xff102030 raw=true" --background color:102030 --raw
variant blur "blur-strength=0.9" --background blur:0.9

# transparent: a PNG portrait (the CLI's image path) in, RGBA PNG out; the alpha planes compare
gl filesrc location="$IMG" ! decodebin ! videoconvert ! cleancastvideo background=transparent ! videoconvert ! pngenc ! filesink location="$W/t_gst.png" \
  && "$BIN" process "$IMG" -o "$W/t_cli.png" --background transparent 2>"$W/cli.log" \
  && ffmpeg -v error -nostdin -y -i "$W/t_gst.png" -vf alphaextract -f rawvideo -pix_fmt gray "$W/t_gst.a" \
  && ffmpeg -v error -nostdin -y -i "$W/t_cli.png" -vf alphaextract -f rawvideo -pix_fmt gray "$W/t_cli.a" \
  && cmp -s "$W/t_gst.a" "$W/t_cli.a" && pass "transparent: alpha = the CLI's, byte for byte (astronaut.png)" \
  || fail "transparent: the alpha differs from the CLI's (or a step failed: $(tail -2 "$W/cli.log"))"

# ------------------------------------------------------------------ 3. audio files
ffmpeg -v error -nostdin -y -i "$D/speech/allison_demo_congrats_16k.wav" -stream_loop -1 -i "$D/noise/sonicpi_loop_3d_printer_44k.wav" \
  -filter_complex "[1:a]volume=0.3[n];[0:a][n]amix=inputs=2:duration=first:normalize=0,atrim=0:12" -c:a pcm_f32le "$W/m48.wav" \
  || setup_fail "could not mix the test speech"
ffmpeg -v error -nostdin -y -i "$W/m48.wav" -af "aresample=44100,pan=stereo|c0=c0|c1=0.6*c0" -c:a pcm_f32le "$W/m44s.wav" \
  || setup_fail "could not make the 44.1 kHz stereo file"
audio_case() { # audio_case NAME IN.wav "GST PROPERTIES" CLI OPTIONS...
  local name=$1 in=$2 props=$3; shift 3
  gl filesrc location="$in" ! wavparse ! audioconvert ! cleancastaudio $props ! audioconvert ! wavenc ! filesink location="$W/a_$name.wav" || return
  "$BIN" denoise "$in" -o "$W/c_$name.wav" "$@" 2>"$W/cli.log" || { fail "$name: cleancast denoise failed: $(tail -2 "$W/cli.log")"; return; }
  to_f32 "$W/a_$name.wav" "$W/a.f32"; to_f32 "$W/c_$name.wav" "$W/c.f32"
  local r; r=$("$GSTCMP" audio "$W/c.f32" "$W/a.f32"); echo "   $name: $r"
  [ "$(kv samples_a <<<"$r")" = "$(kv samples_b <<<"$r")" ] && [ "$(kv maxabs0 <<<"$r")" = 0 ] \
    && pass "$name: same samples as cleancast denoise, bit for bit" || fail "$name: $r"
}
audio_case default48 "$W/m48.wav" ""
audio_case default44s "$W/m44s.wav" ""
audio_case rnnoise "$W/m44s.wav" "model=rnnoise" --model rnnoise   # 0.1 (the default is 0.2)
audio_case speex "$W/m48.wav" "engine=speex strength=0.5" --engine speex --strength 0.5
finish
