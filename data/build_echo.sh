#!/usr/bin/env bash
# Builds the acoustic-echo test set (issue 16), the AEC challenge's way, from the fetched speech
# and noise of data/fetch.sh: far end = Allison (asterisk prompts), near end = other speakers
# (codec2's, JFK, the ALSA voices); the far end through a soft-clipping loudspeaker on some
# rooms, a clock drift of up to 40 ppm, a bulk delay of 20-250 ms and a room impulse response
# from tests/audio/echo_scene.c's image-source model (shoebox rooms, RT60 0.2-0.8 s); noise
# from the noise set; the near talker at several levels. Four cases per room: fst (far-end
# single talk), nst (near-end single talk, far end silent), dt (double talk from 2.5 s), pc
# (far-end single talk, echo path change at half the length).
#
#   data/build_echo.sh          the CI slice  -> $CLEANCAST_CACHE/data/echo_ci/ (2 rooms x 4 cases x 10 s)
#   data/build_echo.sh --full   the whole set -> $CLEANCAST_CACHE/data/echo/    (6 rooms x 4 cases x 14 s)
#   (--force redoes it; --verify re-hashes the manifest)
#
# Each case NAME = r<room>_<kind>: NAME.mic.wav (what the canceller gets), NAME.far.wav (the
# reference), NAME.near.wav (the near talker alone, as at the mic) and NAME.echo.wav (the
# echo alone), 48 kHz float WAVs of one length. cases.txt: one line per case,
#   name kind rt60 delay_ms drift_ppm clip near_dbfs ser_db snr_db seconds
# and params.txt the generator's room geometry. Seeded: a second build gives the same files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$root/scripts/fetchlib.sh"

full=0; force=0; verify=0
for a in "$@"; do
  case "$a" in
    --full) full=1 ;;
    --force) force=1 ;;
    --verify) verify=1 ;;
    *) echo "usage: data/build_echo.sh [--full] [--force|--verify]" >&2; exit 2 ;;
  esac
done
if [ $full = 1 ]; then OUTD=$CLEANCAST_CACHE/data/echo; SECS=14; else OUTD=$CLEANCAST_CACHE/data/echo_ci; SECS=10; fi
SRC="$here/build_echo.sh $root/tests/audio/echo_scene.c"
# shellcheck disable=SC2086
stamp_want="echo $full $(sha256sum $SRC | cut -d' ' -f1 | tr '\n' ' ')"

cc_derived_begin echo "$OUTD" "$stamp_want" $force $verify data/build_echo.sh

S=$CLEANCAST_CACHE/data/speech
N=$CLEANCAST_CACHE/data/noise
[ -f "$S/allison_demo_instruct_16k.wav" ] || "$here/fetch.sh"
command -v cc >/dev/null || cc_die "cc not found (run scripts/install-deps.sh)"

ST=$OUTD.staging
rm -rf "$ST"; mkdir -p "$ST/.work"
W=$ST/.work
cc -O2 -std=c11 -o "$W/echo_scene" "$root/tests/audio/echo_scene.c" -lm \
  || cc_die "cannot compile tests/audio/echo_scene.c"

FAR="$S/allison_demo_instruct_16k.wav,$S/allison_demo_congrats_16k.wav,$S/allison_priv_callee_options_16k.wav"
NEAR_A="$S/codec2_speech_orig_16k.wav,$S/jfk_16k.wav"
NEAR_B="$S/codec2_vk5qi_8k.wav,$S/alsa_front_left_48k.wav,$S/alsa_rear_right_48k.wav,$S/codec2_mmt1_8k.wav"
# room seed rt60 delay_ms drift_ppm clip near_dbfs ser_db snr_db near noise
if [ $full = 1 ]; then
  ROOMS="1 101 0.20 20 0 0 -26 0 30 A sonicpi_vinyl_hiss_44k
2 102 0.30 60 20 1 -30 3 25 B alsa_noise_48k
3 103 0.40 100 -30 0 -22 -3 35 A minetest_default_furnace_active_48k
4 104 0.50 150 40 1 -34 6 30 B sonicpi_ambi_drone_44k
5 105 0.65 200 -10 0 -38 0 25 A minetest_env_sounds_water_1_48k
6 106 0.80 250 30 1 -18 3 30 B sonicpi_ambi_soft_buzz_44k"
else
  ROOMS="1 11 0.30 60 20 0 -28 0 30 A sonicpi_vinyl_hiss_44k
2 12 0.70 180 -30 1 -32 3 30 B alsa_noise_48k"
fi
echo "echo: building $([ $full = 1 ] && echo "the whole set" || echo "the CI slice") into $OUTD"
: >"$ST/cases.txt"
while read -r room seed rt60 delay drift clip near ser snr who noise; do
  if [ "$who" = A ]; then NEAR=$NEAR_A; else NEAR=$NEAR_B; fi
  for kind in fst nst dt pc; do
    name=r${room}_$kind
    # the same seed for the four cases of a room: one room, one geometry, one talker pair
    "$W/echo_scene" "$ST/$name" $kind $seed $rt60 $delay $drift $clip $near $ser $snr $SECS \
      "$FAR" "$NEAR" "$N/$noise.wav" 2>"$W/log" || { cat "$W/log" >&2; cc_die "echo_scene failed on $name"; }
    sed "s/^/$name: /" "$W/log" >>"$ST/params.txt"
    echo "$name $kind $rt60 $delay $drift $clip $near $ser $snr $SECS" >>"$ST/cases.txt"
  done
done <<<"$ROOMS"
rm -rf "$W"
cc_derived_publish "$ST" "$OUTD" "$stamp_want"
echo "echo: $(wc -l <"$OUTD/cases.txt") cases, $(du -sh "$OUTD" | cut -f1) in $OUTD"
