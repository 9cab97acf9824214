#!/usr/bin/env bash
# The echo-cancelled virtual microphone (plugins/config/cleancast-echo-microphone.conf: a
# filter-chain around the LADSPA cleancast_echo_mono) in a real PipeWire 0.3.65 daemon with
# WirePlumber, set up as test_pipewire.sh does. A stereo null sink "echo_feed" stands for the
# hardware: FL carries the microphone of a far-end single-talk case of the echo CI slice (the
# echo of the far end plus room noise), FR the far end (what the speakers played); its monitor
# ports are linked with pw-link as doc/VIRTUAL-MIC.md says (FL -> the filter's input_FL, FR ->
# input_FR). The case is played twice, first with the reference link removed (the reference
# port gets silence: nothing to cancel, the recording keeps the echo), then with it: the
# second recording must be >= 15 dB quieter than the first, and the first within 3 dB of the
# microphone (the path works; a plain denoiser leaves echo alone).
source "$(dirname "$0")/lib.sh"
need_cmd ffmpeg pipewire wireplumber pw-play pw-record pw-cli pw-link dbus-run-session
cd "$WORK"
CONF=$BUILD/plugins/cleancast-echo-microphone-build.conf
[ -f "$CONF" ] || setup_fail "$CONF missing (the build makes it)"
ECHO=$CACHE/data/echo_ci
[ -f "$ECHO/cases.txt" ] || { [ -f "$CACHE/data/MANIFEST.sha256" ] && setup_fail "echo CI slice missing: data/build_echo.sh"; skip "echo test material not built (make data)"; }
mkdir -p run conf/pipewire.conf.d home
export XDG_RUNTIME_DIR=$WORK/run PIPEWIRE_RUNTIME_DIR=$WORK/run HOME=$WORK/home
export XDG_CONFIG_HOME=$WORK/home/.config XDG_STATE_HOME=$WORK/home/.state
unset PIPEWIRE_REMOTE PULSE_SERVER
cp /usr/share/pipewire/pipewire.conf conf/pipewire.conf || setup_fail "no /usr/share/pipewire/pipewire.conf"
cp "$CONF" conf/pipewire.conf.d/cleancast-echo-microphone.conf
cat > conf/pipewire.conf.d/test-feed.conf <<'PW'
context.objects = [
    { factory = adapter
        args = {
            factory.name     = support.null-audio-sink
            node.name        = "echo_feed"
            media.class      = "Audio/Sink"
            audio.position   = [ FL FR ]
            audio.rate       = 48000
            object.linger    = true
        }
    }
]
PW
n=r1_fst
ffmpeg -v error -nostdin -y -i "$ECHO/$n.mic.wav" -i "$ECHO/$n.far.wav" -filter_complex "[0:a][1:a]join=inputs=2:channel_layout=stereo" \
  -c:a pcm_f32le feed.wav || setup_fail "cannot make the feed from $ECHO/$n"
ffmpeg -v error -nostdin -y -i "$ECHO/$n.mic.wav" -f f32le mic.f32

cat > session.sh <<'SH'
#!/usr/bin/env bash
PIPEWIRE_CONFIG_DIR=$WORK/conf pipewire >pw.log 2>&1 & echo $! > pw.pid
for _ in $(seq 50); do [ -S "$XDG_RUNTIME_DIR/pipewire-0" ] && break; sleep 0.1; done
[ -S "$XDG_RUNTIME_DIR/pipewire-0" ] || { echo "SETUP: pipewire did not start: $(tail -5 pw.log)"; exit 3; }
wireplumber >wp.log 2>&1 & echo $! > wp.pid
for _ in $(seq 100); do pw-cli ls Node 2>/dev/null | grep -q '"cleancast_echo_microphone"' && break; sleep 0.1; done
pw-cli ls Node 2>/dev/null | grep -q '"cleancast_echo_microphone"' || { echo "SETUP: no cleancast_echo_microphone node: $(grep -i 'error\|cleancast' pw.log | tail -5)"; exit 3; }
for _ in $(seq 50); do pw-link -o 2>/dev/null | grep -q 'echo_feed:monitor_FR' && break; sleep 0.1; done
sleep 0.5
pw-link echo_feed:monitor_FL capture.cleancast_echo_microphone:input_FL || { echo "SETUP: pw-link mic: $(pw-link -io 2>&1 | head -30)"; exit 3; }
pw-link -l > links0.txt 2>&1
play() { # $1: recording name
  timeout 30 pw-record --target cleancast_echo_microphone --rate 48000 --channels 1 --format f32 $1.wav 2>$1.err & local rec=$!
  sleep 0.5
  timeout 30 pw-play --target echo_feed feed.wav 2>play.err; local rc=$?
  sleep 0.5
  kill -INT $rec; wait $rec
  return $rc
}
play noref; rc=$?
pw-link echo_feed:monitor_FR capture.cleancast_echo_microphone:input_FR || { echo "SETUP: pw-link reference failed"; exit 3; }
pw-link -l > links1.txt 2>&1
[ $rc -eq 0 ] && { play withref; rc=$?; }
kill $(cat wp.pid) $(cat pw.pid) 2>/dev/null
exit $rc
SH
chmod +x session.sh
export WORK
timeout 150 dbus-run-session -- ./session.sh > session.out 2>&1; rc=$?
cat session.out
[ $rc -eq 3 ] && setup_fail "$(grep SETUP session.out)"
[ $rc -eq 0 ] || fail "pw-play exit $rc: $(cat play.err 2>/dev/null) $(tail -5 pw.log 2>/dev/null)"
grep -q 'input_FR' links0.txt && fail "the reference was linked before it should be: $(cat links0.txt)"
grep -q 'echo_feed:monitor_FR' links1.txt && grep -q 'echo_feed:monitor_FL' links1.txt \
  && pass "pw-link: the feed's FL (mic) and FR (speakers' monitor) linked to the filter" || fail "links: $(cat links1.txt)"
for r in noref withref; do
  [ -s $r.wav ] || { fail "pw-record $r wrote nothing: $(cat $r.err)"; finish; }
  ffmpeg -v error -nostdin -y -i $r.wav -f f32le -ac 1 -ar 48000 $r.f32
done
# measured: no reference 0.1 dB below the mic (the denoised echo), with it 25.9 dB below that
check "without the reference: the echo stays (recording vs the mic's energy)" "$CMP" ratio mic.f32 noref.f32 -3 3
check "with the speakers' monitor as reference: echo taken out (energy ratio, convergence included)" "$CMP" ratio noref.f32 withref.f32 15
finish
