#!/usr/bin/env bash
# Runs `meson test` in each build directory given and prints one closing line:
# "N passed, N failed, N skipped". Exit status is nonzero when anything failed.
# A build directory may carry extra meson test arguments after a colon, e.g.
# "build-san:--no-suite=live" (the sanitizer build skips the real-time live tests).
set -u
pass=0 fail=0 skip=0
for arg in "$@"; do
  b=${arg%%:*}
  extra=()
  [ "$b" != "$arg" ] && extra=(${arg#*:})
  echo "== tests in $b ${extra[*]}"
  log=$(mktemp)
  meson test -C "$b" --print-errorlogs --num-processes 2 "${extra[@]}" 2>&1 | tee "$log"
  ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  xf=$(sed -n 's/^Expected Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  fl=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  up=$(sed -n 's/^Unexpected Pass: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  sk=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  to=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  if [ -z "$ok" ]; then
    echo "run-tests: no summary from meson test in $b"; fail=$((fail + 1))
  fi
  pass=$((pass + ${ok:-0} + ${xf:-0}))
  fail=$((fail + ${fl:-0} + ${up:-0} + ${to:-0}))
  skip=$((skip + ${sk:-0}))
  rm -f "$log"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
