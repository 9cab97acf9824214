#!/usr/bin/env bash
# Echo cancellation figures (issue 16; bench/echo_results.md, doc/ECHO.md): builds the whole
# echo set (data/build_echo.sh --full: 6 rooms x fst/nst/dt/pc x 14 s) and runs every engine
# of bench/echo_eval.c on it in one run (ours at each stage, speexdsp's MDF with and without
# its preprocessor, webrtc-audio-processing 0.3 when the build found it), with the load
# before and after: CPU figures are only comparable within one run.
#   bench/echo_bench.sh [BUILD] [--ci]     (--ci: the CI slice instead, seconds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-build}
. "$root/scripts/cachedir.sh"
set -- "${@:2}"
if [ "${1:-}" = --ci ]; then
  "$root/data/build_echo.sh"; D=$CLEANCAST_CACHE/data/echo_ci
else
  "$root/data/build_echo.sh" --full; D=$CLEANCAST_CACHE/data/echo
fi
E=$root/$B/bench/echo_eval
[ -x "$E" ] || E=$B/bench/echo_eval
[ -x "$E" ] || { echo "echo_bench: no $B/bench/echo_eval (build with -Dtests=true)" >&2; exit 1; }
echo "echo_bench: $(nproc) cores, $(uptime | sed 's/.*load/load/')"
"$E" "$D"
echo "echo_bench: after, $(uptime | sed 's/.*load/load/')"
