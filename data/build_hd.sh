#!/usr/bin/env bash
# Builds the HD development set (issue 9; /work/shared/DATA.md "exact ground truth" recipe):
# franck 0-80 s (the 5 fps Y4M of data/fetch.sh; nothing after 80 s exists there) keyed with a
# soft key, the screen colour un-mixed, composited at 1280x720 and 1920x1080 onto six
# photographic wallpapers at three placements, seeded camera noise, encoded with x264 like a
# webcam. The alpha used to composite is kept (lossless FFV1) as the exact truth.
#
#   data/build_hd.sh          the CI slice  -> $CLEANCAST_CACHE/data/hd_ci/  (12 clips x 4 frames)
#   data/build_hd.sh --full   the whole set -> $CLEANCAST_CACHE/data/hd/     (36 clips x 16 frames)
#   (--force redoes it; --verify re-hashes the manifest)
#
# Each clip NAME = <background>_<720|1080>_<close|mid|third>: NAME.mp4 (H.264, I420, BT.601
# limited range, 5 fps) and NAME.alpha.mkv (FFV1 gray, 255 = person), frame for frame; the
# list is clips.txt. The compositor/keyer is tests/video/hd_composite.c (compiled here with
# the system cc: setup runs before the meson build). Seeded and deterministic: a second build
# gives the same MANIFEST.sha256.
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
    *) echo "usage: data/build_hd.sh [--full] [--force|--verify]" >&2; exit 2 ;;
  esac
done
if [ $full = 1 ]; then OUTD=$CLEANCAST_CACHE/data/hd; NF=16; else OUTD=$CLEANCAST_CACHE/data/hd_ci; NF=4; fi
SRC="$here/build_hd.sh $root/tests/video/hd_composite.c $root/tests/util/y4m.c $root/tests/util/y4m.h"
# shellcheck disable=SC2086
stamp_want="hd $full $(sha256sum $SRC | cut -d' ' -f1 | tr '\n' ' ')"

cc_derived_begin hd "$OUTD" "$stamp_want" $force $verify data/build_hd.sh

FRANCK=$CLEANCAST_CACHE/data/video/franck_0-80s.y4m
[ -f "$FRANCK" ] || "$here/fetch.sh"
for tool in ffmpeg convert cc dpkg-deb apt-get; do
  command -v "$tool" >/dev/null || cc_die "$tool not found (run scripts/install-deps.sh)"
done

# ---- backgrounds (extended set; data/SOURCES.md "HD development set") ------------------------
DEBS="plasma-workspace-wallpapers 4:5.27.5-2 32cd18b71c8c938a18b3b351f217c02ac590e323caa3cf322fbb875ce8892f8b
gnome-backgrounds 43.1-1 a670dea21572652127d6e55f9cdb3a226d0037854fdbfd037003c7d00ee0dc4e"
X=$CC_DL/x
while read -r pkg ver sha; do
  deb=$(cc_apt_fetch "$pkg" "$ver" "$sha")
  if [ "$(cat "$X/$pkg/.from" 2>/dev/null)" != "$(basename "$deb")" ]; then
    rm -rf "$X/$pkg"
    cc_deb_extract "$deb" "$X/$pkg"
    basename "$deb" >"$X/$pkg/.from"
  fi
done <<<"$DEBS"
PW=$X/plasma-workspace-wallpapers/usr/share/wallpapers
# name file: horizons, shelves/planks, foliage, architecture, forest, an interior wall
BGS="bythewater $PW/BytheWater/contents/images/1920x1080.jpg
eveningglow $PW/EveningGlow/contents/images/1920x1080.jpg
fallenleaf $PW/FallenLeaf/contents/images/1920x1080.jpg
grey $PW/Grey/contents/images/1920x1080.jpg
path $PW/Path/contents/images/1920x1080.jpg
woodwall $X/gnome-backgrounds/usr/share/backgrounds/gnome/wood-l.webp"

ST=$OUTD.staging
rm -rf "$ST"; mkdir -p "$ST/.work"
W=$ST/.work
cc -O2 -std=c11 -I"$root/tests/util" -o "$W/hd_composite" "$root/tests/video/hd_composite.c" \
  "$root/tests/util/y4m.c" -lm || cc_die "cannot compile tests/video/hd_composite.c"
while read -r name file; do
  [ -f "$file" ] || cc_die "background $file missing from its package"
  for size in 1280x720 1920x1080; do
    convert -quiet "$file" -strip -colorspace sRGB -resize "$size^" -gravity center -extent "$size" \
      -type TrueColor -depth 8 "PPM:$W/${name}_${size#*x}.ppm" || cc_die "convert failed on $file"
  done
done <<<"$BGS"

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)
echo "hd: building $([ $full = 1 ] && echo "the whole set" || echo "the CI slice") into $OUTD"
: >"$ST/clips.txt"
i=0; b=0
for bgname in $(cut -d' ' -f1 <<<"$BGS"); do
  b=$((b + 1))
  for H in 720 1080; do
    for place in close mid third; do
      i=$((i + 1))
      # The slice: one clip per background and size, close and third alternating (each size
      # gets three of each); the whole set has every placement.
      if [ $full = 0 ]; then
        want=third; [ $(((b + H / 1080) % 2)) = 0 ] && want=close
        [ $place = $want ] || continue
      fi
      name=${bgname}_${H}_$place
      start=$(((i * 97) % (400 - 16)))    # 5 fps frames of franck 0-80 s
      "$W/hd_composite" "$FRANCK" "$W/${bgname}_$H.ppm" $place $((1000 + i)) $start $NF \
        "$W/c.y4m" "$W/a.gray" 2>"$W/log" || { cat "$W/log" >&2; cc_die "hd_composite failed on $name"; }
      sed "s/^hd_composite: /$name start $start: /" "$W/log" >>"$ST/params.txt"
      Wd=$((H * 16 / 9))
      # A webcam-like stream: x264 veryfast, zero latency (no B-frames), CRF 23, GOP 50.
      "${FF[@]}" -f yuv4mpegpipe -i "$W/c.y4m" -c:v libx264 -preset veryfast -tune zerolatency \
        -crf 23 -g 50 -threads 2 -pix_fmt yuv420p -color_range tv -colorspace smpte170m \
        -map_metadata -1 -fflags +bitexact -flags:v +bitexact "$ST/$name.mp4" || cc_die "x264 failed on $name"
      "${FF[@]}" -f rawvideo -pix_fmt gray -s "${Wd}x$H" -r 5 -i "$W/a.gray" -c:v ffv1 -level 3 \
        -threads 1 -map_metadata -1 -fflags +bitexact -flags:v +bitexact "$ST/$name.alpha.mkv" \
        || cc_die "ffv1 failed on $name"
      echo "$name" >>"$ST/clips.txt"
    done
  done
done
rm -rf "$W"
cc_derived_publish "$ST" "$OUTD" "$stamp_want"
echo "hd: $(wc -l <"$OUTD/clips.txt") clips, $(du -sh "$OUTD" | cut -f1) in $OUTD"
