#!/usr/bin/env bash
# live -> RTMP into a real nginx with Debian's libnginx-mod-rtmp on 127.0.0.1, read back with
# ffmpeg: both streams arrive, play and stay in sync. Then the server goes away and comes back:
# the sender keeps capturing, reconnects with backoff, and the stream is readable again.
source "$(dirname "$0")/lib.sh"
need_cmd ffmpeg ffprobe python3 timeout nginx
MOD=/usr/lib/nginx/modules/ngx_rtmp_module.so
[ -f $MOD ] || setup_fail "libnginx-mod-rtmp is not installed (scripts/install-deps.sh installs it)"
cd "$WORK"
make_sync_clip src.mp4 8
PORT=$(free_port)
mkdir -p nginx/logs
cat > nginx/nginx.conf <<CONF
load_module $MOD;
daemon off;
master_process off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 64; }
rtmp { server { listen 127.0.0.1:$PORT; chunk_size 4096;
  application live { live on; record off; } } }
CONF
start_nginx() { nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>>nginx/logs/start.log & NGINX=$!; PIDS+=($NGINX);
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
start_nginx || setup_fail "nginx did not start: $(tail -5 nginx/logs/* 2>/dev/null)"
URL=rtmp://127.0.0.1:$PORT/live/cc
ARGS=$(clean_args)

# 1. Stream 10 s (the 8 s clip, looped) and read 6 s of it back.
timeout 40 "$BIN" live --camera src.mp4 --mic src.mp4 --loop -o $URL $ARGS --duration 10 --stats 2>send.txt & SENDER=$!
PIDS+=($SENDER)
sleep 0.5
timeout 20 ffmpeg -v error -rw_timeout 5000000 -i $URL -t 7 -c copy recv.flv 2>recv.txt
wait $SENDER; rc=$?
[ $rc -eq 0 ] || fail "sender exit $rc: $(tail -3 send.txt)"
[ "$(probe recv.flv v:0 codec_name)" = h264 ] && [ "$(probe recv.flv a:0 codec_name)" = aac ] \
  && pass "RTMP stream has h264 + aac" || fail "RTMP read-back: $(cat recv.txt) $(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 recv.flv | tr '\n' ' ')"
ffmpeg -v error -xerror -i recv.flv -f null - 2>dec.txt && pass "RTMP stream decodes" || fail "RTMP stream does not decode: $(head -2 dec.txt)"
live_sync_check recv.flv src.mp4

# 2. Server goes away for ~3 s and comes back: the sender reconnects and keeps going.
# A local recording runs beside the stream: it must not stall while the server is away.
timeout 60 "$BIN" live --camera src.mp4 --mic src.mp4 --loop -o $URL -o rec.mkv $ARGS --duration 14 --stats 2>send2.txt & SENDER=$!
PIDS+=($SENDER)
sleep 3
kill $NGINX; wait $NGINX 2>/dev/null
sleep 3
kill -0 $SENDER 2>/dev/null && pass "sender keeps running while the server is down" || fail "sender died with the server: $(tail -3 send2.txt)"
start_nginx || fail "nginx did not restart"
sleep 3
timeout 15 ffmpeg -v error -rw_timeout 5000000 -i $URL -t 3 -c copy recv2.flv 2>recv2.txt
wait $SENDER; rc=$?
[ $rc -eq 0 ] || fail "sender exit $rc after reconnecting: $(tail -3 send2.txt)"
grep -q "reconnected" send2.txt && pass "$(grep -m1 lost send2.txt | sed 's/^ *//'); $(grep -m1 reconnected send2.txt)" \
  || fail "no reconnect: $(grep -E 'lost|reconnect' send2.txt)"
n=$(count_frames recv2.flv v:0)
[ "${n:-0}" -ge 10 ] && pass "stream readable after reconnect ($n frames in 3 s)" || fail "after reconnect: $n frames; $(cat recv2.txt)"
gap=$(ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 rec.mkv | sort -g |
  awk 'NR>1 && $1-p>g {g=$1-p} {p=$1} END{printf "%.3f", g}')
python3 -c "import sys; sys.exit(0 if float('${gap:-9}') < 0.5 else 1)" \
  && pass "the recording beside the stream kept going while the server was away (largest frame gap $gap s)" \
  || fail "the recording stalled while the server was away: frame gap $gap s"
grep -E "dropped|reconnects" send2.txt
finish
