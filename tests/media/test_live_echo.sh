#!/usr/bin/env bash
# `cleancast live --echo-cancel` with a real PulseAudio daemon (private socket): the speakers
# are a null sink "speakers", the default sink, into which paplay plays the far end of an
# echo test case (data/build_echo.sh's CI slice, far-end single talk: room RT60 0.7 s, clipped
# loudspeaker, 180 ms bulk delay); the microphone is a second null sink's monitor, into which
# paplay plays the case's microphone signal (the far end's echo in the room, plus noise). live
# takes the reference from the default sink's monitor (--echo-cancel alone), and once more
# named (--echo-reference pulse:speakers.monitor); the same run without --echo-cancel is the
# plain denoiser, which leaves the echo (it is speech). Checks: from 3 s into the recording
# (after convergence) the echo-cancelled output is >= 10 dB quieter than the plain denoiser's
# (the library's own ERLE is shown by --stats); the reference was captured and taken from the
# default sink's monitor without --echo-reference; a missing reference source or no
# microphone is a clear error.
source "$(dirname "$0")/lib.sh"
need_cmd ffmpeg python3 timeout pulseaudio paplay pactl
cd "$WORK"
ECHO=$CACHE/data/echo_ci
[ -f "$ECHO/cases.txt" ] || { [ -f "$CACHE/data/MANIFEST.sha256" ] && setup_fail "echo CI slice missing: data/build_echo.sh"; skip "echo test material not built (make data)"; }
n=r2_fst
mkdir -p pa home
export XDG_RUNTIME_DIR=$WORK/pa PULSE_SERVER=unix:$WORK/pa/sock
cat > pa/custom.pa <<PA
load-module module-native-protocol-unix auth-anonymous=1 socket=$WORK/pa/sock
load-module module-null-sink sink_name=speakers rate=48000 channels=1
load-module module-null-sink sink_name=mic_feed rate=48000 channels=1
set-default-sink speakers
PA
HOME=$WORK/home timeout 150 pulseaudio --daemonize=no --exit-idle-time=-1 -n -F pa/custom.pa \
  --use-pid-file=no --log-target=file:$WORK/pa/log >/dev/null 2>&1 & PIDS+=($!)
ok=0; for _ in $(seq 50); do HOME=$WORK/home pactl info >/dev/null 2>&1 && { ok=1; break; }; sleep 0.1; done
[ $ok = 1 ] || setup_fail "pulseaudio did not start: $(tail -5 pa/log 2>/dev/null)"
for f in mic far; do ffmpeg -v error -nostdin -y -i "$ECHO/$n.$f.wav" -c:a pcm_s16le $f.wav || setup_fail "cannot read $ECHO/$n.$f.wav"; done

# run NAME LIVE-OPTIONS...: the far end to the speakers and the mic signal to mic_feed (both
# low-latency streams, as a call application plays), live started 0.5 s later (a null sink that
# goes from idle to playing under a running capture delivers a burst of ~1 s of surplus samples
# on its monitor, which live's clock then drops: not what a microphone does), for 9 s.
run() {
  local name=$1; shift
  HOME=$WORK/home timeout 30 paplay --latency-msec=20 -d speakers far.wav & local p1=$!
  HOME=$WORK/home timeout 30 paplay --latency-msec=20 -d mic_feed mic.wav & local p2=$!
  PIDS+=($p1 $p2)
  sleep 0.5
  timeout 40 "$BIN" live --mic pulse:mic_feed.monitor -o $name.mkv --duration 9 --stats "$@" 2>$name.txt; local rc=$?
  wait $p1 $p2
  [ $rc -eq 0 ] || { fail "$name: live exit $rc: $(tail -3 $name.txt)"; return 1; }
  ffmpeg -v error -nostdin -y -i $name.mkv -f f32le -ac 1 -ar 48000 $name.f32 2>dec.err \
    || { fail "$name.mkv does not decode: $(head -3 dec.err)"; return 1; }
}
# energy_ratio A B [SKIP_S]: 10 log10(energy A / energy B), both from SKIP_S s on
energy_ratio() { python3 - "$1" "$2" "${3:-0}" <<'PY'
import array, math, sys
def e(p):
    a = array.array('f'); a.frombytes(open(p, 'rb').read())
    a = a[int(float(sys.argv[3]) * 48000):]
    return sum(x * x for x in a), len(a)
(ea, na), (eb, nb) = e(sys.argv[1]), e(sys.argv[2])
print("%.2f %.1f %.1f" % (10 * math.log10((ea + 1e-20) / (eb + 1e-20)), na / 48000, nb / 48000))
PY
}
# (AAC in .mkv, as live writes audio; lossy, but its noise is far below the echo removed)
run plain && run echo_default --echo-cancel && run echo_named --echo-reference pulse:speakers.monitor || finish
grep -E "voice chain|echo reference|AUDIO LATENCY" echo_default.txt echo_named.txt
for r in echo_default echo_named; do
  fed=$(sed -n 's/^echo reference .*: \([0-9.]*\) s captured.*/\1/p' $r.txt)
  python3 -c "import sys; sys.exit(0 if float('${fed:-0}') >= 8 else 1)" \
    && pass "$r: the reference ($(sed -n 's/^echo reference \([^:]*\):.*/\1/p' $r.txt)) captured $fed s" \
    || fail "$r: reference captured ${fed:-?} s (need >= 8): $(grep -i 'echo' $r.txt)"
done
grep -q '^echo reference pulse:@DEFAULT_MONITOR@' echo_default.txt \
  && pass "--echo-cancel alone takes the default sink's monitor" || fail "default reference: $(grep -i 'echo' echo_default.txt)"
grep -q '^denoiser delay 2399 samples' echo_default.txt \
  && pass "echo chain delay 2399 samples (50 ms) removed from the timestamps" || fail "delay: $(grep 'denoiser delay' echo_default.txt)"
ffmpeg -v error -nostdin -y -i mic.wav -f f32le mic.f32
read -r pm _ _ <<<"$(energy_ratio mic.f32 plain.f32)"
python3 -c "import sys; sys.exit(0 if abs(float('$pm')) <= 3 else 1)" \
  && pass "plain denoiser: the echo stays (output $pm dB below the mic)" || fail "plain denoiser output $pm dB below the mic (need within 3: is the mic reaching live?)"
for r in echo_default echo_named; do
  read -r d sa sb <<<"$(energy_ratio plain.f32 $r.f32 3)"
  read -r dall _ _ <<<"$(energy_ratio plain.f32 $r.f32)"
  python3 -c "import sys; sys.exit(0 if float('$d') >= 10 else 1)" \
    && pass "$r: from 3 s on $d dB quieter than the plain denoiser ($dall dB over the whole recording, convergence included)" \
    || fail "$r: from 3 s on only $d dB quieter than the plain denoiser (need >= 10; $dall dB over all)"
done
# a reference source that does not exist: a clear error, exit 1, no output left behind
timeout 20 "$BIN" live --mic pulse:mic_feed.monitor --echo-reference pulse:no_such_sink.monitor -o bad.mkv --duration 2 2>bad.txt; rc=$?
[ $rc -eq 1 ] && grep -q "echo reference 'pulse:no_such_sink.monitor'" bad.txt && [ ! -e bad.mkv ] \
  && pass "missing reference: $(head -1 bad.txt)" || fail "missing reference: rc=$rc $(cat bad.txt) $(ls bad.mkv 2>/dev/null)"
timeout 20 "$BIN" live --camera none --echo-cancel -o bad2.mkv --duration 2 2>bad2.txt; rc=$?
[ $rc -eq 2 ] && grep -q "need --mic" bad2.txt && pass "no microphone: $(head -1 bad2.txt)" || fail "no mic: rc=$rc $(cat bad2.txt)"
finish
