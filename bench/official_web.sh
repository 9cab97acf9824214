#!/usr/bin/env bash
# Anchor: per-frame time of the official MediaPipe selfie segmentation solution (npm package,
# CPU inference) in headless Debian Chromium, both models, at 720p and 1080p, on frames made now
# with ffmpeg by scaling a real webcam clip. With a build directory that has bench/seg_bench,
# our raw-mode chain runs on the very same frames (Y4M) in the same run, one thread.
#
#   bench/official_web.sh [BUILD_DIR]
#   env: CC_BENCH_CLIP (default $CLEANCAST_CACHE/data/video/cap12_20s.y4m),
#        CC_BENCH_FRAMES (20), CC_BENCH_WARM (10), CC_BENCH_KEEP=DIR keeps the frames there
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/../scripts/cachedir.sh"
build=${1:-}
"$root/tests/ref/setup.sh"
"$root/models/fetch.sh" >/dev/null
"$root/data/fetch.sh" >/dev/null
clip=${CC_BENCH_CLIP:-$CLEANCAST_CACHE/data/video/cap12_20s.y4m}
n=${CC_BENCH_FRAMES:-20}
warm=${CC_BENCH_WARM:-10}
[ -f "$clip" ] || { echo "official_web: $clip missing" >&2; exit 1; }
if [ -n "${CC_BENCH_KEEP:-}" ]; then tmp=$CC_BENCH_KEEP; mkdir -p "$tmp"; else
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT; fi

# n frames spread over the clip (every 25th), centre-cropped to 16:9, scaled with bicubic;
# the RGB the browser gets is converted from the same Y4M our chain reads.
FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)
cw=$(head -1 "$clip" | tr ' ' '\n' | sed -n 's/^W//p'); chh=$(head -1 "$clip" | tr ' ' '\n' | sed -n 's/^H//p')
ch=$(( cw * 9 / 16 / 2 * 2 )); [ "$ch" -le "$chh" ] || { echo "official_web: clip too wide" >&2; exit 1; }
sizes="${cw}x$ch 1280x720 1920x1080"   # the clip's own size too: shows what HD costs the official GL path
for s in $sizes; do
  w=${s%x*}; h=${s#*x}
  "${FF[@]}" -i "$clip" -vf "select=not(mod(n\,25)),crop=$cw:$ch,scale=$w:$h:flags=bicubic" \
    -fps_mode passthrough -frames:v "$n" -pix_fmt yuv420p -f yuv4mpegpipe "$tmp/clip_${h}p.y4m"
  "${FF[@]}" -i "$tmp/clip_${h}p.y4m" -pix_fmt rgb24 \
    -sws_flags bilinear+accurate_rnd+full_chroma_int+bitexact -f rawvideo "$tmp/clip_${h}p.rgb"
done
echo "# frames: $n of $(basename "$clip") (every 25th), crop ${cw}x$ch, bicubic to 1280x720 and 1920x1080 (and the crop itself); $(nproc) CPUs"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates every figure)"
node "$here/official_web.mjs" "$tmp" "$n" "$warm" $sizes
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

sb=${build:+$build/bench/seg_bench}
if [ -n "$sb" ] && [ -x "$sb" ]; then
  echo "# ours, same frames, same run (seg_bench, raw mode, xnnpack, 1 thread):"
  "$sb" --header
  for m in general landscape; do
    f=selfie_segmentation.tflite; [ $m = landscape ] && f=selfie_segmentation_landscape.tflite
    for h in 720 1080; do
      "$sb" "$tmp/clip_${h}p.y4m" "$CLEANCAST_CACHE/models/$f" "$m" xnnpack "$n" raw
    done
  done
elif [ -n "$build" ]; then
  echo "# $build/bench/seg_bench not built: only the official figures above"
fi
