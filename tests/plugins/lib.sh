# Shared by the plugin tests (sourced). Arguments of every test script:
#   BUILD_ROOT CLEANCAST PLUGIN_HOST PLUGCMP LADSPA_SO LV2_SO
# Each test works in its own temp folder, removed on exit, and runs under a time limit.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/cachedir.sh"; CACHE=$CLEANCAST_CACHE
BUILD=$(realpath "$1"); BIN=$(realpath "$2"); HOST=$(realpath "$3"); CMP=$(realpath "$4")
LADSPA_SO=$(realpath "$5"); LV2_SO=$(realpath "$6"); LV2_BUNDLE=$(dirname "$LV2_SO")
WORK=$(mktemp -d /tmp/cc-plugin-test.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
# Exit 77 only for what the machine cannot have (material never fetched); a daemon that does
# not start, a tool that is missing: the test fails and says why.
skip() { echo "SKIP: $*" >&2; exit 77; }
setup_fail() { echo "SETUP FAILED: $*" >&2; exit 1; }
need_cmd() { for c in "$@"; do command -v "$c" >/dev/null || setup_fail "$c is not installed (scripts/install-deps.sh installs it)"; done; }
need_file() {
  [ -f "$1" ] && return 0
  [ -f "$CACHE/data/MANIFEST.sha256" ] || skip "test material not fetched: $1 missing (make setup)"
  setup_fail "test material $1 missing although data/fetch.sh ran (data/fetch.sh --force)"
}
finish() { [ "$FAILS" -eq 0 ] && { echo "all checks passed"; exit 0; }; echo "$FAILS check(s) failed" >&2; exit 1; }
# check "what" CMD...: runs a plugcmp comparison, passes or fails with its result line.
check() { local what=$1; shift; local r; r=$("$@" 2>&1) && pass "$what: $r" || fail "$what: $r"; }

SPEECH=$CACHE/data/speech/allison_vm_options_16k.wav
SPEECH2=$CACHE/data/speech/jfk_16k.wav
NOISE=$CACHE/data/noise/opensfx_applause_44k.wav
NOISE2=$CACHE/data/noise/sonicpi_loop_3d_printer_44k.wav
# make_mix RATE SECONDS: clean_RATE.f32 and noisy_RATE.f32 (+ .wav float), mono: Allison
# (DATA.md) over applause (OpenSFX), as tests/media/test_pulse.sh makes it (about 2 dB SI-SDR).
make_mix() {
  local r=$1 t=$2
  need_file "$SPEECH"; need_file "$NOISE"
  ffmpeg -v error -nostdin -y -i "$SPEECH" -stream_loop -1 -i "$NOISE" -filter_complex \
    "[0:a]aresample=$r,apad,atrim=0:$t,asplit=2[s][c];[1:a]aresample=$r,pan=mono|c0=c0,atrim=0:$t,volume=0.6[n];[s][n]amix=inputs=2:duration=first:normalize=0[m]" \
    -map '[m]' -c:a pcm_f32le noisy_$r.wav -map '[c]' -c:a pcm_f32le clean_$r.wav \
    || setup_fail "could not make the test mix"
  for f in noisy clean; do ffmpeg -v error -nostdin -y -i ${f}_$r.wav -f f32le ${f}_$r.f32; done
}
# make_stereo RATE SECONDS: noisy2_RATE.{wav,f32}: L = Allison over applause, R = JFK over a 3D printer.
make_stereo() {
  local r=$1 t=$2
  need_file "$SPEECH2"; need_file "$NOISE2"
  ffmpeg -v error -nostdin -y -i "$SPEECH" -stream_loop -1 -i "$NOISE" -i "$SPEECH2" -stream_loop -1 -i "$NOISE2" -filter_complex \
    "[0:a]aresample=$r,apad,atrim=0:$t[s];[1:a]aresample=$r,pan=mono|c0=c0,atrim=0:$t,volume=0.6[n];[s][n]amix=inputs=2:duration=first:normalize=0[l];\
[2:a]aresample=$r,apad,atrim=0:$t[s2];[3:a]aresample=$r,pan=mono|c0=c0,atrim=0:$t,volume=0.05[n2];[s2][n2]amix=inputs=2:duration=first:normalize=0[rr];\
[l][rr]join=inputs=2:channel_layout=stereo[m]" -map '[m]' -c:a pcm_f32le noisy2_$r.wav || setup_fail "could not make the stereo mix"
  ffmpeg -v error -nostdin -y -i noisy2_$r.wav -f f32le noisy2_$r.f32
}
# make_gate_mix RATE: gclean_RATE.f32, gnoisy_RATE.f32: Allison cut into three parts with 1.2 s
# pauses between them, over applause at a quarter of make_mix's level (words to keep, pauses
# for a gate to quieten).
make_gate_mix() {
  local r=$1
  need_file "$SPEECH"; need_file "$NOISE"
  ffmpeg -v error -nostdin -y -i "$SPEECH" -stream_loop -1 -i "$NOISE" -filter_complex \
    "[0:a]aresample=$r,asplit=3[a][b][c];[a]atrim=0:2.5,apad=pad_dur=1.2[a2];[b]atrim=2.5:5,asetpts=PTS-STARTPTS,apad=pad_dur=1.2[b2];\
[c]atrim=5:8,asetpts=PTS-STARTPTS,apad=pad_dur=1[c2];[a2][b2][c2]concat=n=3:v=0:a=1,asplit=2[s][cl];\
[1:a]aresample=$r,pan=mono|c0=c0,atrim=0:12,volume=0.15[n];[s][n]amix=inputs=2:duration=first:normalize=0[m]" \
    -map '[m]' -f f32le gnoisy_$r.f32 -map '[cl]' -f f32le gclean_$r.f32 || setup_fail "could not make the gate mix"
}
