#!/usr/bin/env bash
# live with a real-time-paced file standing in for the camera and the microphone (the file is
# released packet by packet at its own timestamps, like a device delivers frames): output streams,
# lip sync (flash vs voice onset, as in the source), latency stats, and SIGTERM -> a finalised,
# playable MP4. Usage: test_live.sh BIN
source "$(dirname "$0")/lib.sh"
need_cmd ffmpeg ffprobe python3 timeout
cd "$WORK"
make_sync_clip src.mp4 8
ARGS=$(clean_args)
# delivered_check STATS MIN_RATIO WHAT: from the --stats text of a live run, the pictures out
# must be >= MIN_RATIO x min(captured, capacity); more than 5 % dropped needs a video thread
# busy at least 80 % of the time (capacity < 1.25 x captured), or the drops are unexplained.
delivered_check() {
  python3 - "$@" <<'PY' && pass "$3: $(cat delivered.txt)" || fail "$3: $(cat delivered.txt)"
import re, sys
text, ratio, what = open(sys.argv[1]).read(), float(sys.argv[2]), sys.argv[3]
def mean(stage):
    m = re.search(r'^%s/frame\s+\d+\s+([0-9.]+)' % re.escape(stage), text, re.M)
    return float(m.group(1)) if m else 0.0
v = re.search(r'^video: (\d+) captured, (\d+) dropped late, (\d+) out;.* wall ([0-9.]+) s', text, re.M)
if not v:
    open('delivered.txt', 'w').write('no "video: ..." line in the stats'); sys.exit(1)
cap, drop, out, wall = int(v.group(1)), int(v.group(2)), int(v.group(3)), float(v.group(4))
per_frame = mean('pixel convert') + mean('segment') + mean('composite')
capacity = int(wall * 1000 / per_frame) if per_frame > 0 else 0
could = min(cap, capacity)
ok = capacity > 0 and out >= ratio * could
msg = ('%d out of %d captured, %d dropped; video thread %.1f ms/frame over %.1f s = capacity %d; '
       'out = %.1f %% of the %d it could deliver (need >= %.0f %%)'
       % (out, cap, drop, per_frame, wall, capacity, 100.0 * out / max(1, could), could, 100 * ratio))
if drop > 0.05 * cap and capacity >= 1.25 * cap:
    ok = False
    msg += '; %d drops unexplained: capacity %d >= 1.25 x %d captured' % (drop, capacity, cap)
open('delivered.txt', 'w').write(msg)
sys.exit(0 if ok else 1)
PY
}
timeout 60 "$BIN" live --camera src.mp4 --mic src.mp4 -o live.mkv $ARGS --duration 7.5 --stats 2>err.txt
rc=$?
[ $rc -eq 0 ] || fail "live to mkv: exit $rc $(tail -3 err.txt)"
[ "$(probe live.mkv v:0 codec_name)" = h264 ] && [ "$(probe live.mkv a:0 codec_name)" = aac ] \
  || fail "live.mkv streams: $(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 live.mkv | tr '\n' ' ')"
# Every captured picture is either in the output or counted as dropped, and pictures are
# dropped only when this machine cannot clean them as fast as they come. What it could deliver
# is the capacity of the video thread measured in the same run (--stats): wall time over the
# mean per-frame pixel convert + segment + composite time. A slow or loaded machine may drop
# late pictures (that is by design); output below 95 % of min(captured, capacity) is a fault.
# Measured here (25 fps 400x300, 2 cores shared with builds): 188-189 captured, capacity
# 640-1280, 183-189 out (97-100 %; a loaded machine drops a few in a stall).
n=$(count_frames live.mkv v:0)
read -r cap drop outn < <(sed -n 's/^video: \([0-9]*\) captured, \([0-9]*\) dropped late, \([0-9]*\) out.*/\1 \2 \3/p' err.txt)
[ "${cap:-0}" -ge 178 ] && pass "camera delivered $cap pictures in 7.5 s at 25 fps (need >= 178, 95 %)" \
  || fail "capture delivered ${cap:-?} pictures in 7.5 s of a 25 fps camera (need >= 178)"
[ $(( ${drop:-0} + ${outn:-0} )) -eq "${cap:-x}" ] && [ "${outn:-x}" = "$n" ] \
  && pass "pictures: $cap captured = $outn out + $drop dropped late; $n in the file" \
  || fail "picture accounting: captured $cap, out $outn, dropped $drop, in file $n"
delivered_check err.txt 0.95 "25 fps"
grep -q "VIDEO LATENCY" err.txt && grep -q "AUDIO LATENCY" err.txt || fail "--stats shows no latency"
grep -E "LATENCY|dropped" err.txt
live_sync_check live.mkv src.mp4
ffmpeg -v error -xerror -i live.mkv -f null - 2>dec.txt || fail "live.mkv does not decode: $(head -2 dec.txt)"

# SIGTERM while recording MP4 (which needs its trailer to play): finalised and playable.
timeout 60 "$BIN" live --camera src.mp4 --mic src.mp4 -o rec.mp4 $ARGS 2>err2.txt & pid=$!
sleep 4; kill -TERM $pid; wait $pid; rc=$?
[ $rc -eq 0 ] || fail "SIGTERM: exit $rc $(tail -2 err2.txt)"
d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 rec.mp4 2>/dev/null)
python3 -c "import sys; sys.exit(0 if 2.5 < float('${d:-0}') < 5 else 1)" && pass "SIGTERM: rec.mp4 finalised, $d s" \
  || fail "SIGTERM: rec.mp4 duration '${d}'"
ffmpeg -v error -xerror -i rec.mp4 -f null - 2>dec.txt || fail "rec.mp4 does not play: $(head -2 dec.txt)"
ls -a | grep -q '\.part' && fail "temporary file left: $(ls -a | grep part)"

# A camera faster than this machine can clean (1080p at 60 fps): late pictures are dropped and
# counted, audio never is, and what goes out stays in sync.
ffmpeg -v error -y -i src.mp4 -vf scale=1920:1080,fps=60 -c:v libx264 -preset ultrafast -bf 0 -g 60 -c:a copy -t 8 fast.mp4
timeout 60 "$BIN" live --camera fast.mp4 --mic fast.mp4 -o fast_live.mkv $ARGS --duration 7.5 --stats 2>ferr.txt
read -r cap drop outn < <(sed -n 's/^video: \([0-9]*\) captured, \([0-9]*\) dropped late, \([0-9]*\) out.*/\1 \2 \3/p' ferr.txt)
n=$(count_frames fast_live.mkv v:0)
ad=$(stream_duration fast_live.mkv a:0)
[ $(( ${drop:-0} + ${outn:-0} )) -eq "${cap:-x}" ] && [ "${outn:-x}" = "$n" ] \
  && pass "1080p60: $cap captured = $outn out + $drop dropped late" || fail "1080p60 accounting: $cap captured, $outn out, $drop dropped, $n in file"
# Saturated on purpose: measured 82-96 % of capacity, the low end in a full test run beside
# other builds (the thread also copies and queues each 1080p picture, outside the three stages
# timed, and that share grows under load), so 70 % here.
delivered_check ferr.txt 0.70 "1080p60"
python3 -c "import sys; sys.exit(0 if float('${ad:-0}') > 7.0 else 1)" && pass "1080p60: audio complete ($ad s)" || fail "1080p60: audio $ad s of 7.5"
live_sync_check fast_live.mkv src.mp4

# A microphone that loses 1 s of samples (an overrun; here a stand-in file with a 1 s hole in its
# audio): the sample clock is put back on the capture clock, so the voice after the hole stays on
# its flash.
ffmpeg -v error -y -i src.mp4 -map 0:v -map 0:a -c:v copy -af "aselect='not(between(t\,2.5\,3.5))'" -c:a aac gap.mkv
timeout 60 "$BIN" live --camera gap.mkv --mic gap.mkv -o gap_live.mkv $ARGS --duration 7.5 --stats 2>gerr.txt
grep -o "clock corrections: [0-9]* ms of silence added" gerr.txt | grep -qE " (9[5-9][0-9]|10[0-4][0-9]) ms" \
  && pass "lost samples: $(grep -o 'clock corrections: [^;]*' gerr.txt)" || fail "lost samples not corrected: $(grep clock gerr.txt)"
live_sync_check gap_live.mkv src.mp4

# The pixel formats webcams deliver (raw YUYV, NV12, MJPEG), each cleaned in its own format:
# the colour background must land on the corners, not on the person.
for fmt in yuyv422 nv12 mjpeg; do
  if [ $fmt = mjpeg ]; then ffmpeg -v error -y -i src.mp4 -t 2 -an -c:v mjpeg -q:v 3 cam_$fmt.avi; cam=cam_$fmt.avi
  else ffmpeg -v error -y -i src.mp4 -t 2 -an -c:v rawvideo -pix_fmt $fmt cam_$fmt.nut; cam=cam_$fmt.nut; fi
  timeout 30 "$BIN" live --camera $cam -o cam_$fmt.mkv --background color:00FF00 --denoise off 2>cerr.txt
  ffmpeg -v error -y -i cam_$fmt.mkv -vf "select=eq(n\,25),scale=40:30" -frames:v 1 -f rawvideo -pix_fmt rgb24 c.raw
  python3 -c "
import sys; d=open('c.raw','rb').read(); px=lambda x,y: d[3*(y*40+x):3*(y*40+x)+3]
k, c = px(1,1), px(20,15); sys.exit(0 if len(d) == 3600 and k[1] > 180 and k[0] < 80 and not (c[1] > 180 and c[0] < 80) else 1)" \
    && pass "camera as $fmt: cleaned" || fail "camera as $fmt: $(tail -2 cerr.txt)"
done

# A camera that ends (file standing in for an unplugged device ends) -> clean exit, output kept.
timeout 30 "$BIN" live --camera src.mp4 -o ended.mkv $ARGS 2>err3.txt; rc=$?
grep -q "ended" err3.txt && [ -f ended.mkv ] && pass "camera end: $(grep -m1 ended err3.txt)" || fail "camera end: rc=$rc $(cat err3.txt)"
# Bad devices and options: clear error, nonzero, bounded time.
timeout 20 "$BIN" live --camera /dev/video99 -o x.mkv 2>err4.txt; rc=$?
[ $rc -eq 1 ] && grep -q "/dev/video99" err4.txt && pass "missing camera: $(head -1 err4.txt)" || fail "missing camera: rc=$rc $(cat err4.txt)"
timeout 20 "$BIN" live --camera src.mp4 2>err5.txt; rc=$?
[ $rc -eq 2 ] && pass "no output: $(head -1 err5.txt)" || fail "no output: rc=$rc"
timeout 20 "$BIN" live --camera src.mp4 -o x.xyz 2>err6.txt; rc=$?
[ $rc -ne 0 ] && grep -q "x.xyz" err6.txt && pass "bad output: $(head -1 err6.txt)" || fail "bad output: rc=$rc $(cat err6.txt)"
# An audio-only container: the mic alone goes in as the format's own codec (WAV: PCM, readable,
# with sound); with a camera it is refused by name (it was AAC inside a WAV nothing could read).
timeout 30 "$BIN" live --mic src.mp4 -o mic.wav --duration 3 2>err7.txt; rc=$?
info=$(ffprobe -v error -show_entries stream=codec_name,duration -of csv=p=0 mic.wav 2>&1)
vol=$(ffmpeg -v info -i mic.wav -af volumedetect -f null - 2>&1 | sed -n 's/.*mean_volume: \([-0-9.]*\) dB/\1/p')
python3 -c "
import sys; c, d = '$info'.split(','); sys.exit(0 if c == 'pcm_s16le' and 2.5 <= float(d) <= 3.5 and float('${vol:-(-999)}') > -50 else 1)" 2>/dev/null \
  && pass "mic to .wav: $info, mean $vol dB" || fail "mic to .wav: rc=$rc '$info' vol '$vol' $(tail -2 err7.txt)"
timeout 20 "$BIN" live --camera src.mp4 -o x.wav 2>err8.txt; rc=$?
[ $rc -eq 1 ] && grep -q "audio-only" err8.txt && [ ! -s x.wav ] && pass "camera to .wav: $(head -1 err8.txt)" || fail "camera to .wav: rc=$rc $(cat err8.txt)"
finish
