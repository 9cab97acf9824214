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
timeout 60 "$BIN" live --camera src.mp4 --mic src.mp4 -o live.mkv $ARGS --duration 7.5 --stats 2>err.txt
rc=$?
[ $rc -eq 0 ] || fail "live to mkv: exit $rc $(tail -3 err.txt)"
[ "$(probe live.mkv v:0 codec_name)" = h264 ] && [ "$(probe live.mkv a:0 codec_name)" = aac ] \
  || fail "live.mkv streams: $(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 live.mkv | tr '\n' ' ')"
# Every captured picture is either in the output or counted as dropped (a slow or loaded machine
# drops late pictures: that is by design, so the check is the accounting, not a speed).
n=$(count_frames live.mkv v:0)
read -r cap drop outn < <(sed -n 's/^video: \([0-9]*\) captured, \([0-9]*\) dropped late, \([0-9]*\) out.*/\1 \2 \3/p' err.txt)
[ "${cap:-0}" -ge 150 ] || fail "capture delivered ${cap:-?} pictures in 7.5 s of a 25 fps camera"
[ $(( ${drop:-0} + ${outn:-0} )) -eq "${cap:-x}" ] && [ "${outn:-x}" = "$n" ] && [ "$n" -ge 25 ] \
  && pass "pictures: $cap captured = $outn out + $drop dropped late; $n in the file" \
  || fail "picture accounting: captured $cap, out $outn, dropped $drop, in file $n"
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
finish
