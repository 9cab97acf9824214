#!/usr/bin/env bash
# Runs `meson test` in each build directory given. For each it prints
#   product tests: A passed, B failed, C skipped; tooling checks: D passed, E failed, F skipped
# where tooling checks are the tests in meson suite 'tooling' (reference runners, extractor
# self-tests, header-alone compiles: checks of what surrounds the product), and the product
# tests are all the others. The very last line is the total over every build directory:
#   N passed, N failed
# Exit status is nonzero when anything failed (a timeout, an unexpected pass, a missing result
# log count as failures). A build directory may carry extra meson test arguments after a colon,
# e.g. "build-san:--no-suite=live" (the sanitizer build skips the real-time live tests).
set -u
pass=0 fail=0
for arg in "$@"; do
  b=${arg%%:*}
  extra=()
  [ "$b" != "$arg" ] && extra=(${arg#*:})
  echo "== tests in $b ${extra[*]}"
  json=$b/meson-logs/testlog.json
  rm -f "$json"
  meson test -C "$b" --print-errorlogs --num-processes 2 "${extra[@]}" 2>&1
  # One JSON object per test; the name reads "project:suite1+suite2 / test".
  counts=$(python3 - "$json" <<'PY'
import json, sys
n = {(k, r): 0 for k in ('product', 'tooling') for r in ('passed', 'failed', 'skipped')}
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    print('none'); sys.exit(0)
for line in lines:
    if not line.strip():
        continue
    t = json.loads(line)
    suites = t['name'].split(' / ')[0].split(':', 1)[-1].split('+')
    kind = 'tooling' if 'tooling' in suites else 'product'
    r = t['result']
    res = 'passed' if r in ('OK', 'EXPECTEDFAIL') else 'skipped' if r == 'SKIP' else 'failed'
    n[kind, res] += 1
print(' '.join(str(n[k, r]) for k in ('product', 'tooling') for r in ('passed', 'failed', 'skipped')))
PY
)
  if [ "$counts" = none ] || [ -z "$counts" ]; then
    echo "run-tests: no test results from meson test in $b"
    fail=$((fail + 1))
    continue
  fi
  read -r pp pf ps tp tf ts <<<"$counts"
  echo "product tests: $pp passed, $pf failed, $ps skipped; tooling checks: $tp passed, $tf failed, $ts skipped"
  pass=$((pass + pp + tp))
  fail=$((fail + pf + tf))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
