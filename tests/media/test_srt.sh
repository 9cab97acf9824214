#!/usr/bin/env bash
# live -> SRT: srt-live-transmit (Debian srt-tools) listens on 127.0.0.1 and writes what it
# receives to a file; the MPEG-TS that arrives must hold both streams, decode and be in sync.
source "$(dirname "$0")/lib.sh"
need_cmd ffmpeg ffprobe python3 timeout srt-live-transmit
ffmpeg -hide_banner -protocols 2>/dev/null | grep -qx '  srt' || setup_fail "this FFmpeg has no SRT protocol (Debian's ffmpeg has; scripts/install-deps.sh)"
cd "$WORK"
make_sync_clip src.mp4 8
PORT=$(free_port)
timeout 40 srt-live-transmit -q "srt://127.0.0.1:$PORT?mode=listener" file://con > recv.ts 2>srt.txt & RX=$!
PIDS+=($RX)
sleep 0.5
ARGS=$(clean_args)
timeout 40 "$BIN" live --camera src.mp4 --mic src.mp4 -o "srt://127.0.0.1:$PORT?mode=caller" $ARGS --duration 7.5 --stats 2>send.txt
rc=$?
sleep 0.5
kill $RX 2>/dev/null
[ $rc -eq 0 ] || fail "sender exit $rc: $(tail -3 send.txt)"
[ "$(probe recv.ts v:0 codec_name)" = h264 ] && [ "$(probe recv.ts a:0 codec_name)" = aac ] \
  && pass "SRT stream has h264 + aac" || fail "SRT read-back: $(head -c 300 srt.txt) $(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 recv.ts | tr '\n' ' ')"
n=$(count_frames recv.ts v:0)
[ "${n:-0}" -ge 150 ] && pass "$n frames arrived" || fail "only $n frames arrived"
ffmpeg -v error -xerror -i recv.ts -fps_mode passthrough -f null - 2>dec.txt && pass "SRT stream decodes" || fail "SRT stream decode errors: $(head -2 dec.txt)"
live_sync_check recv.ts src.mp4
# Nobody listening: a clear message, the sender keeps capturing and retrying, exits cleanly.
timeout 20 "$BIN" live --camera src.mp4 -o "srt://127.0.0.1:$(free_port)?mode=caller" $ARGS --duration 3 2>none.txt; rc=$?
[ $rc -eq 0 ] && grep -q "cannot reach" none.txt && pass "no listener: $(grep -m1 'cannot reach' none.txt)" || fail "no listener: rc=$rc $(cat none.txt)"
finish
