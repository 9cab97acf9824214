#!/usr/bin/env bash
# Web bench (bench/web_bench.mjs): ours vs the official MediaPipe CPU solution per video frame at
# 640x480 and 1280x720, and our worklet vs @jitsi/rnnoise-wasm per 10 ms, in one headless
# Chromium run; then the native portable executor on the same frames (seg_bench, I420 in, one
# thread) for the SIMD128-vs-native ratio.  Figures: bench/web_results.md.
#   bench/web_bench.sh [NATIVE_BUILD_DIR (default build)]
#   env: CC_BENCH_CLIP (default $CLEANCAST_CACHE/data/video/cap12_20s.y4m), CC_BENCH_FRAMES (20),
#        CC_BENCH_WARM (10), CC_BENCH_BASE_DIST (another build's dist/, e.g. from an older
#        commit: its SIMD128 rows 'base' in the same run), CC_BENCH_AUDIO_REPS (3: audio is best of
#        that many interleaved rounds; more on a loaded machine), CC_BENCH_AUDIO_ONLY=1 (the audio
#        rows alone: no frames, no native rows)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$root/scripts/cachedir.sh"
build=${1:-$root/build}
"$root/tests/ref/setup.sh"
clip=${CC_BENCH_CLIP:-$CLEANCAST_CACHE/data/video/cap12_20s.y4m}
n=${CC_BENCH_FRAMES:-20}; warm=${CC_BENCH_WARM:-10}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)
sizes="640x480 1280x720"; [ -n "${CC_BENCH_AUDIO_ONLY:-}" ] && sizes=
for s in $sizes; do
  w=${s%x*}; h=${s#*x}
  "${FF[@]}" -i "$clip" -vf "select=not(mod(n\,25)),scale=$w:$h:flags=bicubic" -fps_mode passthrough \
    -frames:v "$n" -pix_fmt yuv420p -f yuv4mpegpipe "$tmp/clip_${h}p.y4m"
  "${FF[@]}" -i "$tmp/clip_${h}p.y4m" -pix_fmt rgb24 -sws_flags bilinear+accurate_rnd+full_chroma_int+bitexact \
    -f rawvideo "$tmp/clip_${h}p.rgb"
done
echo "# frames: $n of $(basename "$clip") (every 25th), bicubic to 640x480 and 1280x720; $(nproc) CPUs"
node "$here/web_bench.mjs" "$tmp" "$n" "$warm"
sb=$build/bench/seg_bench
if [ -x "$sb" ] && [ -z "${CC_BENCH_AUDIO_ONLY:-}" ]; then
  echo; echo "# native, same frames (seg_bench: I420 in, matte, composite blur; one thread), $build:"
  "$sb" --header
  for h in 480 720; do
    for be in portable xnnpack; do
      "$sb" "$tmp/clip_${h}p.y4m" "$CLEANCAST_CACHE/models/selfie_segmentation.tflite" general $be "$n" || true
    done
  done
fi
