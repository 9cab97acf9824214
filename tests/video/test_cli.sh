#!/usr/bin/env bash
# CLI on still images: outputs of the right size and kind; bad input gives a clear error,
# a nonzero exit and no output file.
set -u
CC=$1
. "${CC_SOURCE_ROOT:-$(dirname "$0")/../..}/scripts/cachedir.sh"; CACHE=$CLEANCAST_CACHE
IMG=$CACHE/data/images/grace_hopper.png
BG=$CACHE/data/images/camera.png
[ -f "$IMG" ] && [ -f "$CACHE/models/selfie_segmentation.tflite" ] || { echo "SKIP: material missing"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# expect_error NAME PATTERN OUTPUT -- command...
expect_error() {
  local name=$1 pat=$2 out=$3; shift 4
  "$@" >"$T/stdout" 2>"$T/stderr"; local rc=$?
  if [ $rc -eq 0 ]; then bad "$name: exit 0"; return; fi
  if ! grep -qiE "$pat" "$T/stderr"; then bad "$name: message lacks /$pat/: $(cat "$T/stderr")"; return; fi
  if [ -n "$out" ] && ls "$out"* >/dev/null 2>&1; then bad "$name: left $(ls "$out"*)"; return; fi
  ok "$name (rc $rc): $(head -1 "$T/stderr")"
}

size_of() { ffprobe -v error -select_streams v:0 -show_entries stream=width,height,pix_fmt -of csv=p=0 "$1"; }

"$CC" --help >/dev/null && ok "--help" || bad "--help"
for c in mask process; do "$CC" $c --help | grep -q usage && ok "$c --help" || bad "$c --help"; done

"$CC" mask "$IMG" -o "$T/m.pgm" && [ "$(head -c 2 "$T/m.pgm")" = P5 ] && [ "$(size_of "$T/m.pgm")" = "512,600,gray" ] \
  && ok "mask size" || bad "mask: $(size_of "$T/m.pgm")"
"$CC" mask "$IMG" -o "$T/r.pgm" --raw --model landscape && [ "$(size_of "$T/r.pgm")" = "512,600,gray" ] \
  && ok "raw landscape mask" || bad "raw landscape mask"
cmp -s "$T/m.pgm" "$T/r.pgm" && bad "refined and raw masks identical"

for bg in blur blur:1 color:102030 "replace:$BG" none; do
  "$CC" process "$IMG" -o "$T/p.png" --background "$bg" && [ "$(size_of "$T/p.png")" = "512,600,rgb24" ] \
    && ok "process $bg" || bad "process $bg: $(size_of "$T/p.png")"
done
"$CC" process "$IMG" -o "$T/t.png" --background transparent && [ "$(size_of "$T/t.png")" = "512,600,rgba" ] \
  && ok "transparent PNG" || bad "transparent: $(size_of "$T/t.png")"
"$CC" process "$IMG" -o "$T/p.jpg" --background blur:0.3 && [ -s "$T/p.jpg" ] && ok "jpeg out" || bad "jpeg out"
"$CC" process "$IMG" -o "$T/none.ppm" --background none && "$CC" process "$IMG" -o "$T/blur.ppm" \
  && ! cmp -s "$T/none.ppm" "$T/blur.ppm" && ok "blur changes pixels" || bad "blur is a no-op"

head -c 3000 "$IMG" > "$T/trunc.png"
head -c 5000 "$CACHE/data/images/astronaut.png" > "$T/trunc2.png"
printf 'not an image at all' > "$T/junk.jpg"
: > "$T/empty.png"
head -c 100000 "$CACHE/models/selfie_segmentation.tflite" > "$T/trunc.tflite"
expect_error "missing input" "no such file" "$T/o1.png" -- "$CC" process "$T/nope.png" -o "$T/o1.png"
expect_error "truncated png" "trunc|corrupt|not a readable" "$T/o2.png" -- "$CC" process "$T/trunc.png" -o "$T/o2.png"
expect_error "truncated png 2" "trunc|corrupt|not a readable" "$T/o2b.pgm" -- "$CC" mask "$T/trunc2.png" -o "$T/o2b.pgm"
expect_error "junk jpeg" "corrupt|not a readable|no picture" "$T/o3.png" -- "$CC" process "$T/junk.jpg" -o "$T/o3.png"
expect_error "empty file" "corrupt|not a readable|empty|no picture" "$T/o4.pgm" -- "$CC" mask "$T/empty.png" -o "$T/o4.pgm"
expect_error "truncated model" "model|tflite" "$T/o5.pgm" -- "$CC" mask "$IMG" -o "$T/o5.pgm" --model "$T/trunc.tflite"
expect_error "unknown model" "unknown --model .huge" "$T/o6.pgm" -- "$CC" mask "$IMG" -o "$T/o6.pgm" --model huge
expect_error "bad option" "unknown option" "$T/o7.pgm" -- "$CC" mask "$IMG" -o "$T/o7.pgm" --frobnicate
expect_error "bad background" "unknown --background" "$T/o8.png" -- "$CC" process "$IMG" -o "$T/o8.png" --background sepia
expect_error "bad blur strength" "0 to 1" "$T/o9.png" -- "$CC" process "$IMG" -o "$T/o9.png" --background blur:7
expect_error "bad colour" "hex" "$T/o10.png" -- "$CC" process "$IMG" -o "$T/o10.png" --background color:12zz45
expect_error "transparent jpeg" "needs a .png" "$T/o11.jpg" -- "$CC" process "$IMG" -o "$T/o11.jpg" --background transparent
expect_error "missing replace image" "no such file" "$T/o12.png" -- "$CC" process "$IMG" -o "$T/o12.png" --background "replace:$T/nope.png"
expect_error "no output" "want one input" "" -- "$CC" mask "$IMG"
expect_error "unknown output type" "unknown image type" "$T/o13.bmp" -- "$CC" mask "$IMG" -o "$T/o13.bmp"
expect_error "unwritable output" "cannot write" "" -- "$CC" mask "$IMG" -o /nonexistent-dir/x.pgm

exit $fail
