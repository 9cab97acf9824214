#!/usr/bin/env bash
# The echo canceller plugins (LADSPA cleancast_echo_mono, LV2 urn:cleancast:lv2:echo-mono) in
# real hosts: ladspa-sdk's analyseplugin/applyplugin, lilv's lv2info, tests/plugins/plugin_host
# (dlopen, random run() sizes 1..8192, in place and not). On cases of the echo test set's CI
# slice (data/build_echo.sh: mic = near end + echo of the far end; far = the reference):
#  - options off (the defaults): exactly cleancast_denoise_mono on the mic;
#  - echo_cancel on: the output equals `cleancast denoise MIC --echo-reference FAR` (so the
#    same ERLE as the library's own test) whatever the block sizes, and the ERLE from 2 s on
#    far-end single talk is >= 20 dB where the plain denoiser and the bare mic stay < 3 dB;
#  - agc + high_pass, the classical engine and a strength: = the CLI with the same options;
#  - the reference left unconnected = a silent reference (nothing cancelled);
#  - 44.1 kHz: cancels too; 22.05 kHz: echo cancellation refused with a message, the plain
#    denoiser runs.
source "$(dirname "$0")/lib.sh"
need_cmd ffmpeg analyseplugin applyplugin lv2info
cd "$WORK"
ECHO=$CACHE/data/echo_ci
[ -f "$ECHO/cases.txt" ] || { [ -f "$CACHE/data/MANIFEST.sha256" ] && setup_fail "echo CI slice missing: data/build_echo.sh"; skip "echo test material not built (make data)"; }

# --- analyseplugin: ports, toggles off by default
ap=$(analyseplugin "$LADSPA_SO" cleancast_echo_mono 2>&1) || fail "analyseplugin: $ap"
grep -q '"Reference (far end)" input, audio' <<<"$ap" \
  && pass "analyseplugin cleancast_echo_mono: a reference audio input" || fail "analyseplugin: no reference port: $ap"
[ "$(grep -c 'input, control, toggled, default 0' <<<"$ap")" = 3 ] \
  && pass "analyseplugin: echo cancellation, AGC, high-pass toggles, default off" || fail "analyseplugin toggles: $ap"
grep -q '"latency" output, control' <<<"$ap" && pass "analyseplugin: latency port" || fail "analyseplugin: no latency port"
i=$(LV2_PATH=$(dirname "$LV2_BUNDLE") lv2info urn:cleancast:lv2:echo-mono 2>&1)
grep -q "Has latency: *yes, reported by port" <<<"$i" && pass "lv2info echo-mono: $(grep 'Has latency' <<<"$i" | sed 's/^\s*//')" \
  || fail "lv2info echo-mono: $i"
[ "$(grep -c 'Default: *0' <<<"$i")" -ge 4 ] && grep -q 'Symbol: *reference' <<<"$i" \
  && pass "lv2info echo-mono: reference port, toggles default 0" || fail "lv2info echo-mono ports: $i"

# mic+far interleaved (f32), mic, echo alone, CLI outputs of a case
prep() { local n=$1
  for f in mic far echo; do ffmpeg -v error -nostdin -y -i "$ECHO/$n.$f.wav" -f f32le $n.$f.f32 || setup_fail "cannot read $ECHO/$n.$f.wav"; done
  ffmpeg -v error -nostdin -y -i "$ECHO/$n.mic.wav" -i "$ECHO/$n.far.wav" -filter_complex "[0:a][1:a]join=inputs=2:channel_layout=stereo" \
    -f f32le $n.mf.f32 || setup_fail "cannot interleave $n"; }
cli() { local out=$1; shift; "$BIN" denoise "$@" -o "$out.wav" 2>cli.err || { fail "cleancast denoise $*: $(cat cli.err)"; return 1; }
        ffmpeg -v error -nostdin -y -i "$out.wav" -f f32le "$out.f32"; }
run_host() { local what=$1; shift; "$HOST" "$@" >host.out 2>host.err || { fail "$what: plugin_host: $(cat host.err)"; return 1; }; }

seed=0
for n in r1_fst r2_fst; do
  prep $n
  mic=$ECHO/$n.mic.wav far=$ECHO/$n.far.wav
  # options off: the plain mono denoiser, bit for bit
  run_host "$n dn" ladspa "$LADSPA_SO" cleancast_denoise_mono 48000 1 $n.mic.f32 $n.dn.f32 --seed $((seed += 1)) &&
  run_host "$n off" ladspa "$LADSPA_SO" cleancast_echo_mono 48000 2 $n.mf.f32 $n.off.f32 --outputs 1 --seed $((seed += 1)) &&
    check "$n: ladspa echo plugin, options off, $(cat host.out) = cleancast_denoise_mono" "$CMP" exact $n.off.f32 $n.dn.f32 0
  run_host "$n off lv2" lv2 "$LV2_SO" urn:cleancast:lv2:echo-mono 48000 2 $n.mf.f32 $n.offl.f32 --outputs 1 --seed $((seed += 1)) --inplace &&
    check "$n: lv2 echo-mono, options off, in place = denoise-mono" "$CMP" exact $n.offl.f32 $n.dn.f32 0
  # echo cancellation on
  cli $n.cli "$mic" --echo-reference "$far"
  run_host "$n on" ladspa "$LADSPA_SO" cleancast_echo_mono 48000 2 $n.mf.f32 $n.on.f32 --outputs 1 --seed $((seed += 1)) --control 6=1 &&
    check "$n: ladspa echo_cancel=1, random blocks, $(cat host.out) = cleancast denoise --echo-reference" "$CMP" exact $n.on.f32 $n.cli.f32 1e-5
  run_host "$n on lv2" lv2 "$LV2_SO" urn:cleancast:lv2:echo-mono 48000 2 $n.mf.f32 $n.onl.f32 --outputs 1 --seed $((seed += 1)) --control 6=1 --inplace &&
    check "$n: lv2 echo_cancel=1, in place = cleancast denoise --echo-reference" "$CMP" exact $n.onl.f32 $n.cli.f32 1e-5
  check "$n: ERLE from 2 s, echo plugin >= 20 dB" "$CMP" erle $n.mic.f32 $n.echo.f32 $n.on.f32 48000 2 20
  check "$n: ERLE from 2 s, plain denoiser < 3 dB (echo is speech)" "$CMP" erle $n.mic.f32 $n.echo.f32 $n.dn.f32 48000 2 -100 3
  check "$n: ERLE from 2 s, bare mic < 3 dB" "$CMP" erle $n.mic.f32 $n.echo.f32 $n.mic.f32 48000 2 -100 3
done

# every stage, other engine and strength: the CLI with the same options
n=r2_pc; prep $n
cli $n.full.cli "$ECHO/$n.mic.wav" --echo-reference "$ECHO/$n.far.wav" --agc --high-pass &&
  run_host "$n full" lv2 "$LV2_SO" urn:cleancast:lv2:echo-mono 48000 2 $n.mf.f32 $n.full.f32 --outputs 1 --seed 21 --control 6=1 --control 7=1 --control 8=1 &&
  check "$n (echo-path change): lv2 echo_cancel+agc+high_pass = --echo-reference --agc --high-pass" "$CMP" exact $n.full.f32 $n.full.cli.f32 1e-5
cli $n.sp.cli "$ECHO/$n.mic.wav" --echo-reference "$ECHO/$n.far.wav" --engine speex --strength 0.5 &&
  run_host "$n speex" ladspa "$LADSPA_SO" cleancast_echo_mono 48000 2 $n.mf.f32 $n.sp.f32 --outputs 1 --seed 22 --control 6=1 --control 4=1 --control 3=20 &&
  check "$n: ladspa echo_cancel, engine 1, attenuation 20 dB = --echo-reference --engine speex --strength 0.5" "$CMP" exact $n.sp.f32 $n.sp.cli.f32 1e-5
cli $n.agc.cli "$ECHO/$n.mic.wav" --agc &&
  run_host "$n agc" ladspa "$LADSPA_SO" cleancast_echo_mono 48000 2 $n.mf.f32 $n.agc.f32 --outputs 1 --seed 23 --control 7=1 &&
  check "$n: ladspa agc alone (no echo cancellation) = cleancast denoise --agc" "$CMP" exact $n.agc.f32 $n.agc.cli.f32 1e-5

# the reference unconnected = a silent reference: nothing cancelled, no crash
n=r1_fst
ffmpeg -v error -nostdin -y -f f32le -ar 48000 -ac 1 -i $n.mic.f32 -f f32le -ar 48000 -ac 1 -i $n.far.f32 -filter_complex \
  "[1:a]volume=0[z];[0:a][z]join=inputs=2:channel_layout=stereo" -f f32le $n.mz.f32
run_host "unconnected" ladspa "$LADSPA_SO" cleancast_echo_mono 48000 2 $n.mf.f32 unc.f32 --outputs 1 --seed 31 --control 6=1 --unconnected 1 &&
run_host "silent ref" ladspa "$LADSPA_SO" cleancast_echo_mono 48000 2 $n.mz.f32 sil.f32 --outputs 1 --seed 32 --control 6=1 &&
  check "reference port unconnected = silent reference" "$CMP" exact unc.f32 sil.f32 1e-6 &&
  check "reference port unconnected: nothing cancelled" "$CMP" erle $n.mic.f32 $n.echo.f32 unc.f32 48000 2 -100 3

# applyplugin: a 2-channel WAV (mic, reference) in, 1 channel out, delayed by the latency
ffmpeg -v error -nostdin -y -f f32le -ar 48000 -ac 2 -i $n.mf.f32 -c:a pcm_s16le mf16.wav &&
  ffmpeg -v error -nostdin -y -i mf16.wav -filter_complex "channelsplit=channel_layout=stereo[l][r]" -map '[l]' -c:a pcm_s16le m16.wav -map '[r]' -c:a pcm_s16le f16.wav
cli ap16 m16.wav --echo-reference f16.wav
lat=$("$HOST" ladspa "$LADSPA_SO" cleancast_echo_mono 48000 2 $n.mf.f32 /dev/null --outputs 1 --control 6=1 --blocks 4800 | sed -n 's/latency //p')
[ "$lat" = 2399 ] && pass "latency with echo cancellation: $lat frames (cc_voice_latency_samples: 50 ms)" || fail "latency $lat, expected 2399"
if applyplugin -s 1 mf16.wav ap.wav "$LADSPA_SO" cleancast_echo_mono 40 0 1 0 0 >ap.log 2>&1; then
  ns=$(( $(stat -c %s ap16.f32) / 4 ))
  ffmpeg -v error -nostdin -y -i ap.wav -af "atrim=start_sample=$lat:end_sample=$((lat + ns))" -f f32le ap.f32
  check "applyplugin cleancast_echo_mono echo_cancel=1 (latency removed) = cleancast denoise --echo-reference, within 16-bit rounding" "$CMP" exact ap.f32 ap16.f32 1e-4
  check "applyplugin: ERLE from 2 s >= 20 dB" "$CMP" erle $n.mic.f32 $n.echo.f32 ap.f32 48000 2 20
else
  fail "applyplugin: $(cat ap.log)"
fi

# 44.1 kHz: echo cancellation works (10 ms = 441 frames)
ffmpeg -v error -nostdin -y -f f32le -ar 48000 -ac 2 -i $n.mf.f32 -ar 44100 -f f32le mf44.f32
for f in mic echo; do ffmpeg -v error -nostdin -y -f f32le -ar 48000 -ac 1 -i $n.$f.f32 -ar 44100 -f f32le ${f}44.f32; done
run_host "44.1 kHz" lv2 "$LV2_SO" urn:cleancast:lv2:echo-mono 44100 2 mf44.f32 e44.f32 --outputs 1 --seed 41 --control 6=1 &&
  check "44.1 kHz, lv2 echo_cancel=1, $(cat host.out): ERLE from 2 s >= 20 dB" "$CMP" erle mic44.f32 echo44.f32 e44.f32 44100 2 20
# 22.05 kHz: no echo cancellation (10 ms blocks need a multiple of 100 Hz); said, and the plain denoiser runs
ffmpeg -v error -nostdin -y -f f32le -ar 48000 -ac 2 -i $n.mf.f32 -ar 22050 -f f32le mf22.f32
ffmpeg -v error -nostdin -y -f f32le -ar 22050 -ac 2 -i mf22.f32 -af "pan=mono|c0=c0" -f f32le m22.f32
if "$HOST" ladspa "$LADSPA_SO" cleancast_echo_mono 22050 2 mf22.f32 e22.f32 --outputs 1 --control 6=1 >host.out 2>host.err; then
  grep -q "multiple of 100 Hz" host.err && pass "22.05 kHz: $(head -1 host.err)" || fail "22.05 kHz: no message: $(cat host.err)"
  run_host "22.05k dn" ladspa "$LADSPA_SO" cleancast_denoise_mono 22050 1 m22.f32 d22.f32 &&
    check "22.05 kHz with echo_cancel=1 = the plain denoiser" "$CMP" exact e22.f32 d22.f32 0
else
  fail "22.05 kHz: $(cat host.err)"
fi
finish
