#!/bin/sh
# Worst frames of the HD development set, for each model: the frame where raw, realtime and
# --quality best (with process's look-ahead) score the lowest IoU and the lowest boundary F
# against the truth, as side-by-side crops around the person (input, truth, raw, realtime,
# best; wrong pixels outside the 2 px ignore band tinted red = false person, blue = missed) and
# the full-frame masks (PGM). Writes out/bench/crops/MODEL/ (PPM, and PNG when ffmpeg is there)
# and prints which frames they are. Usage: bench/worst_crops.sh [BUILD] [FRAMES_PER_CLIP]
set -eu
b=${1:-build}
n=${2:-8}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/cachedir.sh"
sq=$b/bench/seg_quality
[ -x "$sq" ] || { echo "worst_crops: $sq not built" >&2; exit 1; }
[ -f "$CLEANCAST_CACHE/data/hd/clips.txt" ] || { echo "worst_crops: no HD set (data/build_hd.sh)" >&2; exit 1; }
for m in general landscape; do
  case $m in
    general) f=selfie_segmentation.tflite ;;
    landscape) f=selfie_segmentation_landscape.tflite ;;
  esac
  out=out/bench/crops/$m
  mkdir -p "$out"
  "$sq" --crops "$CLEANCAST_CACHE/models/$f" "$CLEANCAST_CACHE/data/hd" "$out" "$n"
  if command -v ffmpeg >/dev/null; then
    for p in "$out"/worst_*_*.ppm; do
      ffmpeg -nostdin -v error -y -i "$p" "${p%.ppm}.png"
    done
  fi
done
