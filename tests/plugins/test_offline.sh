#!/usr/bin/env bash
# The plugins offline: ladspa-sdk's analyseplugin/applyplugin, lv2-dev's lv2_validate, lilv's
# lv2info, and tests/plugins/plugin_host (dlopen, random run() sizes 1..8192 changing every
# call, in place and not): the output, after the reported latency, equals `cleancast denoise`
# on the same file (mono/stereo, 48 and 44.1 kHz, both engines, a strength); the voice gate
# keeps words and their onsets and quietens the pauses; the model override.
source "$(dirname "$0")/lib.sh"
need_cmd ffmpeg analyseplugin applyplugin lv2_validate lv2info
cd "$WORK"

# --- analyseplugin: four denoisers (the echo canceller: test_echo.sh), a "latency" output port, defaults that equal the CLI's
ap=$(analyseplugin "$LADSPA_SO" 2>&1) || fail "analyseplugin: $ap"
for l in cleancast_denoise_mono cleancast_denoise_stereo cleancast_denoise_gate_mono cleancast_denoise_gate_stereo; do
  grep -q "Plugin Label: \"$l\"" <<<"$ap" && pass "analyseplugin: $l" || fail "analyseplugin: no $l"
done
[ "$(grep -c '"latency" output, control' <<<"$ap")" = 5 ] && pass "analyseplugin: latency output port in all five (four denoisers, the echo canceller)" || fail "analyseplugin: latency ports: $ap"
[ "$(grep -c '"Attenuation limit (dB, 40 = none)" input, control, 0 to 40, default 40' <<<"$ap")" = 5 ] \
  && pass "analyseplugin: attenuation limit 0..40 dB, default 40 (no limit, = the CLI)" || fail "analyseplugin: attenuation port: $ap"
grep -q '"Engine (0 neural, 1 classical)" input, control, 0 to 1, default 0, integer' <<<"$ap" \
  && pass "analyseplugin: engine default 0 (neural)" || fail "analyseplugin: engine port"
[ "$(grep -c 'input, control.*default' <<<"$ap")" = "$(grep -c 'input, control' <<<"$ap")" ] \
  && pass "analyseplugin: every control input has a default" || fail "analyseplugin: a control without default"

# --- lv2_validate and lilv
v=$(lv2_validate "$LV2_BUNDLE"/manifest.ttl "$LV2_BUNDLE"/cleancast.ttl 2>&1)
grep -q "Found 0 errors" <<<"$v" && pass "lv2_validate: $(grep Found <<<"$v")" || fail "lv2_validate: $(grep -v '^Skipping' <<<"$v" | tail -20)"
for u in denoise-mono denoise-stereo denoise-gate-mono denoise-gate-stereo; do
  i=$(LV2_PATH=$(dirname "$LV2_BUNDLE") lv2info "urn:cleancast:lv2:$u" 2>&1)
  grep -q "Has latency: *yes, reported by port" <<<"$i" && pass "lv2info $u: $(grep 'Has latency' <<<"$i" | sed 's/^\s*//')" \
    || fail "lv2info $u: $i"
done

# --- same output as the CLI, whatever the block sizes
make_mix 48000 12
make_mix 44100 12
make_stereo 48000 8
make_stereo 44100 8
cli() { local in=$1 out=$2; shift 2; "$BIN" denoise "$in" -o "$out.wav" "$@" 2>cli.err || { fail "cleancast denoise $*: $(cat cli.err)"; return 1; }
        ffmpeg -v error -nostdin -y -i "$out.wav" -f f32le "$out.f32"; }
run_host() { local what=$1; shift; "$HOST" "$@" >host.out 2>host.err || { fail "$what: plugin_host: $(cat host.err)"; return 1; }; }
cli noisy_48000.wav ref_48000 && cli noisy_44100.wav ref_44100 && cli noisy2_48000.wav ref2_48000 &&
  cli noisy2_44100.wav ref2_44100 && cli noisy_44100.wav speex_44100 --engine speex && cli noisy_48000.wav half_48000 --strength 0.5
cases=(
  "ladspa mono 48k|ladspa $LADSPA_SO cleancast_denoise_mono 48000 1 noisy_48000.f32|ref_48000.f32|--seed 1"
  "ladspa mono 48k in place|ladspa $LADSPA_SO cleancast_denoise_mono 48000 1 noisy_48000.f32|ref_48000.f32|--seed 2 --inplace"
  "ladspa mono 44.1k|ladspa $LADSPA_SO cleancast_denoise_mono 44100 1 noisy_44100.f32|ref_44100.f32|--seed 3"
  "ladspa stereo 44.1k|ladspa $LADSPA_SO cleancast_denoise_stereo 44100 2 noisy2_44100.f32|ref2_44100.f32|--seed 4"
  "lv2 mono 48k in place|lv2 $LV2_SO urn:cleancast:lv2:denoise-mono 48000 1 noisy_48000.f32|ref_48000.f32|--seed 5 --inplace"
  "lv2 mono 44.1k|lv2 $LV2_SO urn:cleancast:lv2:denoise-mono 44100 1 noisy_44100.f32|ref_44100.f32|--seed 6"
  "lv2 stereo 48k|lv2 $LV2_SO urn:cleancast:lv2:denoise-stereo 48000 2 noisy2_48000.f32|ref2_48000.f32|--seed 7"
  "ladspa classical engine 44.1k (= --engine speex)|ladspa $LADSPA_SO cleancast_denoise_mono 44100 1 noisy_44100.f32|speex_44100.f32|--seed 8 --control 3=1"
  "lv2 attenuation 20 dB (= --strength 0.5)|lv2 $LV2_SO urn:cleancast:lv2:denoise-mono 48000 1 noisy_48000.f32|half_48000.f32|--seed 9 --control 2=20"
)
for c in "${cases[@]}"; do
  IFS='|' read -r what args ref extra <<<"$c"
  run_host "$what" $args out.f32 --blocks random $extra || continue
  check "$what, random blocks 1..8192, $(cat host.out) = cleancast denoise" "$CMP" exact out.f32 "$ref" 1e-6
done

# --- applyplugin (16-bit WAV in and out; its output is delayed by the latency)
ffmpeg -v error -nostdin -y -i noisy_48000.wav -c:a pcm_s16le n16.wav
cli n16.wav ref16
lat=$("$HOST" ladspa "$LADSPA_SO" cleancast_denoise_mono 48000 1 noisy_48000.f32 /dev/null --blocks 4800 | sed -n 's/latency //p')
if applyplugin -s 1 n16.wav ap.wav "$LADSPA_SO" cleancast_denoise_mono 40 0 >ap.log 2>&1; then
  n=$(( $(stat -c %s ref16.f32) / 4 ))
  ffmpeg -v error -nostdin -y -i ap.wav -af "atrim=start_sample=$lat:end_sample=$((lat + n))" -f f32le ap.f32
  check "applyplugin cleancast_denoise_mono (latency $lat removed) = cleancast denoise, within 16-bit rounding" "$CMP" exact ap.f32 ref16.f32 1e-4
else
  fail "applyplugin: $(cat ap.log)"
fi
applyplugin n16.wav apg.wav "$LADSPA_SO" cleancast_denoise_gate_mono 40 0 0.5 250 60 >ap.log 2>&1 \
  && pass "applyplugin cleancast_denoise_gate_mono runs" || fail "applyplugin gate: $(cat ap.log)"
ffmpeg -v error -nostdin -y -i noisy2_48000.wav -c:a pcm_s16le n16s.wav
applyplugin n16s.wav aps.wav "$LADSPA_SO" cleancast_denoise_stereo 40 0 >ap.log 2>&1 \
  && pass "applyplugin cleancast_denoise_stereo runs" || fail "applyplugin stereo: $(cat ap.log)"

# --- the voice gate: words and onsets kept, pauses quiet; the same whatever the block sizes
make_gate_mix 48000
if run_host "gate" ladspa "$LADSPA_SO" cleancast_denoise_gate_mono 48000 1 gnoisy_48000.f32 gate1.f32 --seed 10 &&
   run_host "gate" ladspa "$LADSPA_SO" cleancast_denoise_gate_mono 48000 1 gnoisy_48000.f32 gate2.f32 --seed 11 &&
   run_host "no gate" ladspa "$LADSPA_SO" cleancast_denoise_mono 48000 1 gnoisy_48000.f32 nogate.f32 --seed 12; then
  pass "gate plugin $("$HOST" ladspa "$LADSPA_SO" cleancast_denoise_gate_mono 48000 1 gnoisy_48000.f32 /dev/null --blocks 4800) (= denoiser + 120 ms look-back)"
  check "gate: same output for two random block sequences" "$CMP" exact gate1.f32 gate2.f32 0
  # measured: onsets 2, speech and onset loss 0.00 dB, pauses 60.0 dB lower (the gate range) with
  # the default RNNoise 0.2 and with 0.1 (CLEANCAST_DENOISE_MODEL=rnnoise)
  check "gate vs no gate, against the clean speech" "$CMP" gate gate1.f32 nogate.f32 gclean_48000.f32 48000
fi
run_host "lv2 gate stereo" lv2 "$LV2_SO" urn:cleancast:lv2:denoise-gate-stereo 44100 2 noisy2_44100.f32 gs.f32 --seed 12 \
  && pass "lv2 gate stereo 44.1k: $(cat host.out)"

# --- the model: looked up by name (default rnnoise2, RNNoise 0.2, as the CLI: the cases above);
# CLEANCAST_DENOISE_MODEL overrides it
if CLEANCAST_DENOISE_MODEL=/nonexistent/model.ccm "$HOST" ladspa "$LADSPA_SO" cleancast_denoise_mono 48000 1 noisy_48000.f32 x.f32 >/dev/null 2>err.txt; then
  fail "a missing model file was accepted"
else
  grep -q "CLEANCAST_DENOISE_MODEL" err.txt && pass "missing model refused: $(head -1 err.txt)" || fail "missing model: $(cat err.txt)"
fi
cli noisy_48000.wav ref1_48000 --model rnnoise &&
  CLEANCAST_DENOISE_MODEL=rnnoise run_host "model override" lv2 "$LV2_SO" urn:cleancast:lv2:denoise-mono 48000 1 noisy_48000.f32 r1.f32 --seed 14 \
  && check "CLEANCAST_DENOISE_MODEL=rnnoise (RNNoise 0.1), $(cat host.out) = cleancast denoise --model rnnoise" "$CMP" exact r1.f32 ref1_48000.f32 1e-6
if [ -f "$CACHE/models/rnnoise.rnnn" ]; then
  CLEANCAST_DENOISE_MODEL=$CACHE/models/rnnoise.rnnn run_host "model override" ladspa "$LADSPA_SO" cleancast_denoise_mono 48000 1 noisy_48000.f32 rnnn.f32 --seed 13 \
    && check "CLEANCAST_DENOISE_MODEL=rnnoise.rnnn (FFmpeg's text form of the 0.1 weights)" "$CMP" exact rnnn.f32 ref1_48000.f32 1e-3
fi
finish
