#!/usr/bin/env bash
# live -> v4l2loopback virtual camera, read back through V4L2 by ffmpeg as an app would.
# Runs only where the v4l2loopback module is loaded (doc/LIVE.md says how); skipped elsewhere.
source "$(dirname "$0")/lib.sh"
need_cmd ffmpeg ffprobe timeout
[ -d /sys/module/v4l2loopback ] || skip "the v4l2loopback kernel module is not loaded here (see doc/LIVE.md: modprobe v4l2loopback exclusive_caps=1)"
DEV=${CC_TEST_V4L2_DEVICE:-}
if [ -z "$DEV" ]; then
  for d in /sys/devices/virtual/video4linux/video*; do [ -e "$d" ] && DEV=/dev/$(basename "$d") && break; done
fi
[ -n "$DEV" ] && [ -c "$DEV" ] || skip "no v4l2loopback device node found (set CC_TEST_V4L2_DEVICE)"
cd "$WORK"
make_sync_clip src.mp4 8
timeout 30 "$BIN" live --camera src.mp4 -o "$DEV" $(clean_args) --duration 7 2>send.txt & SENDER=$!; PIDS+=($SENDER)
sleep 1.5
timeout 15 ffmpeg -v error -f v4l2 -i "$DEV" -frames:v 50 -c:v ffv1 recv.mkv 2>recv.txt
wait $SENDER; rc=$?
[ $rc -eq 0 ] || fail "sender exit $rc: $(tail -3 send.txt)"
n=$(count_frames recv.mkv v:0)
[ "${n:-0}" -eq 50 ] && pass "50 frames read back from $DEV" || fail "read back $n frames from $DEV: $(cat recv.txt)"
[ "$(probe recv.mkv v:0 width)x$(probe recv.mkv v:0 height)" = "$(probe src.mp4 v:0 width)x$(probe src.mp4 v:0 height)" ] \
  || fail "virtual camera size $(probe recv.mkv v:0 width)x$(probe recv.mkv v:0 height)"
finish
