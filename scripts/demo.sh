#!/usr/bin/env bash
# make demo: real portraits (DATA.md) through the CLI: mask, blur, replace, colour and
# transparent, plus before/after strips. Prints where they are.
set -euo pipefail
BUILD=${1:-build}
CC="$BUILD/tools/cleancast"
CACHE=${CLEANCAST_CACHE:-$HOME/.cache/cleancast}
OUT=${CLEANCAST_DEMO_OUT:-out/demo}
mkdir -p "$OUT"
BG="$CACHE/data/negatives/gnome_mountain.ppm"
for name in grace_hopper astronaut camera; do
  in="$CACHE/data/images/$name.png"
  "$CC" mask "$in" -o "$OUT/${name}_mask.pgm"
  "$CC" process "$in" -o "$OUT/${name}_blur.png" --background blur:0.7
  "$CC" process "$in" -o "$OUT/${name}_replace.png" --background "replace:$BG"
  "$CC" process "$in" -o "$OUT/${name}_color.png" --background color:2e7d32
  "$CC" process "$in" -o "$OUT/${name}_transparent.png" --background transparent
  # before | mask | blur | replace, one strip
  ffmpeg -v error -y -i "$in" -i "$OUT/${name}_mask.pgm" -i "$OUT/${name}_blur.png" \
    -i "$OUT/${name}_replace.png" \
    -filter_complex '[0:v]format=rgb24[a];[1:v]format=rgb24[b];[2:v]format=rgb24[c];[3:v]format=rgb24[d];[a][b][c][d]hstack=inputs=4' \
    -frames:v 1 "$OUT/${name}_before_after.png"
done
echo "demo: before/after images in $(cd "$OUT" && pwd):"
ls "$OUT" | sed 's/^/  /'
