#!/usr/bin/env bash
# The virtual microphone in a real PipeWire 0.3.65 daemon started here (XDG_RUNTIME_DIR in a
# temp folder, the stock pipewire.conf, which loads libpipewire-module-access, plus the shipped
# cleancast-microphone.conf as a drop-in, its capture pointed at a test microphone), with
# WirePlumber under dbus-run-session. Noisy speech (DATA.md) is played into the test microphone
# with pw-play; the "cleancast microphone" source is recorded with pw-record. The recording,
# aligned, must match `cleancast denoise` on the same file and keep the speech (SI-SDR against
# the clean speech improves, speech level kept).
source "$(dirname "$0")/lib.sh"
need_cmd ffmpeg pipewire wireplumber pw-play pw-record pw-cli dbus-run-session
cd "$WORK"
CONF=$BUILD/plugins/cleancast-microphone-build.conf
[ -f "$CONF" ] || setup_fail "$CONF missing (the build makes it)"
mkdir -p run conf/pipewire.conf.d home
export XDG_RUNTIME_DIR=$WORK/run PIPEWIRE_RUNTIME_DIR=$WORK/run HOME=$WORK/home
export XDG_CONFIG_HOME=$WORK/home/.config XDG_STATE_HOME=$WORK/home/.state
unset PIPEWIRE_REMOTE PULSE_SERVER
cp /usr/share/pipewire/pipewire.conf conf/pipewire.conf || setup_fail "no /usr/share/pipewire/pipewire.conf"
# The shipped file, its capture linked to the test microphone (a null sink's monitor) instead
# of the default microphone.
sed 's/node.passive = true/node.passive = true\n            target.object = "mic_feed"\n            stream.capture.sink = true/' \
  "$CONF" > conf/pipewire.conf.d/cleancast-microphone.conf
cat > conf/pipewire.conf.d/test-mic.conf <<'PW'
context.objects = [
    { factory = adapter
        args = {
            factory.name     = support.null-audio-sink
            node.name        = "mic_feed"
            media.class      = "Audio/Sink"
            audio.position   = [ MONO ]
            audio.rate       = 48000
            object.linger    = true
        }
    }
]
PW
make_mix 48000 10
"$BIN" denoise noisy_48000.wav -o ref.wav 2>cli.err || setup_fail "cleancast denoise: $(cat cli.err)"
ffmpeg -v error -nostdin -y -i ref.wav -f f32le ref.f32

cat > session.sh <<'SH'
#!/usr/bin/env bash
# Runs inside dbus-run-session: the daemon, the session manager, then the test's client part.
PIPEWIRE_CONFIG_DIR=$WORK/conf pipewire >pw.log 2>&1 & echo $! > pw.pid
for _ in $(seq 50); do [ -S "$XDG_RUNTIME_DIR/pipewire-0" ] && break; sleep 0.1; done
[ -S "$XDG_RUNTIME_DIR/pipewire-0" ] || { echo "SETUP: pipewire did not start: $(tail -5 pw.log)"; exit 3; }
wireplumber >wp.log 2>&1 & echo $! > wp.pid
# Wait for the virtual microphone (a node named cleancast_microphone) to exist.
for _ in $(seq 100); do pw-cli ls Node 2>/dev/null | grep -q '"cleancast_microphone"' && break; sleep 0.1; done
pw-cli ls Node 2>/dev/null | grep -q '"cleancast_microphone"' || { echo "SETUP: no cleancast_microphone node: $(grep -i 'error\|cleancast' pw.log | tail -5)"; exit 3; }
sleep 1  # WirePlumber links the filter's capture to mic_feed
# What the filter received (the test microphone's monitor) and what it made, side by side.
timeout 30 pw-record --target mic_feed -P stream.capture.sink=true --rate 48000 --channels 1 --format f32 feed_rec.wav 2>feedrec.err & FREC=$!
timeout 30 pw-record --target cleancast_microphone --rate 48000 --channels 1 --format f32 rec.wav 2>rec.err & REC=$!
sleep 0.5
timeout 30 pw-play --target mic_feed noisy_48000.wav 2>play.err; rc=$?
sleep 0.5
kill -INT $REC $FREC; wait $REC $FREC
pw-cli ls Node > nodes.txt 2>&1
kill $(cat wp.pid) $(cat pw.pid) 2>/dev/null
exit $rc
SH
chmod +x session.sh
export WORK
timeout 120 dbus-run-session -- ./session.sh > session.out 2>&1; rc=$?
cat session.out
[ $rc -eq 3 ] && setup_fail "$(grep SETUP session.out)"
[ $rc -eq 0 ] || fail "pw-play exit $rc: $(cat play.err 2>/dev/null) $(tail -5 pw.log 2>/dev/null)"
grep -q 'cleancast microphone' nodes.txt && pass "PipeWire node \"cleancast microphone\" created by the filter-chain" || fail "no cleancast microphone node: $(cat nodes.txt)"
[ -s rec.wav ] || { fail "pw-record wrote nothing: $(cat rec.err) $(tail -5 wp.log)"; finish; }
ffmpeg -v error -nostdin -y -i rec.wav -f f32le -ac 1 -ar 48000 rec.f32
pass "recorded $(( $(stat -c %s rec.f32) / 4 / 480 )) x 10 ms from the virtual microphone"
# The virtual mic carries `cleancast denoise` of the played file. PipeWire 0.3.65's transport
# is not bit-exact here: the test mic's monitor recorded beside it matches the file at only
# about 24 dB SNR (cause not found; the streams' converters), so "matches" is judged at 14 dB:
# measured 17 dB against the file's denoised output and 20 dB against `cleancast denoise` of
# the monitor recording, where the noisy input itself scores about 2 dB. Against the clean
# speech: the speech is kept (level within 3 dB) and SI-SDR improves by >= 5 dB (measured 7.5
# with RNNoise 0.1; 8.4, match 15.9 dB, with the default RNNoise 0.2).
[ -s feed_rec.wav ] || setup_fail "the monitor recording is empty: $(cat feedrec.err)"
ffmpeg -v error -nostdin -y -i feed_rec.wav -f f32le -ac 1 -ar 48000 feed_rec.f32
"$BIN" denoise feed_rec.wav -o feed_ref.wav 2>cli.err || fail "cleancast denoise feed_rec.wav: $(cat cli.err)"
ffmpeg -v error -nostdin -y -i feed_ref.wav -f f32le feed_ref.f32
check "PipeWire virtual mic = cleancast denoise of the mic feed" "$CMP" match rec.f32 feed_ref.f32 48000 14
check "PipeWire virtual mic against the played file and the clean speech" "$CMP" align rec.f32 ref.f32 noisy_48000.f32 clean_48000.f32 48000 9 5
finish
