#!/bin/sh
# cleancast-obs in real libobs (under Xvfb): graphics-thread CPU per output frame with and
# without "cleancast background" at 720p and 1080p30 (worker CPU, frames out, drops, delay),
# the same on a sync source at 1080p (test_obs_sync: the staging path),
# the library alone on the same frames, and "cleancast noise suppression" against OBS's own
# noise_suppress_filter_v2 (RNNoise and Speex, Debian's obs-filters.so) on the same noisy
# speech: CPU per 10 ms and SI-SDR against the clean speech. Usage: bench/obs_speed.sh [BUILD]
set -eu
b=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
t=$b/tests/obs/test_obs
m=$b/plugins/obs/cleancast-obs.so
[ -x "$t" ] && [ -x "$t"_sync ] && [ -f "$m" ] || { echo "obs_speed: $t or $m not built (libobs-dev installed?)" >&2; exit 1; }
filters=$(ls /usr/lib/*/obs-plugins/obs-filters.so 2>/dev/null | head -1)
run="$src/tests/obs/run_xvfb.sh $t"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
$run bench-video "$m" "$src/plugins/obs/data" 1280 720 ${OBS_BENCH_SECONDS:-10}
$run bench-video "$m" "$src/plugins/obs/data" 1920 1080 ${OBS_BENCH_SECONDS:-10}
"$src/tests/obs/run_xvfb.sh" "$t"_sync bench "$m" "$src/plugins/obs/data" 1920 1080 ${OBS_BENCH_SECONDS:-10}
if [ -n "$filters" ]; then
  $run bench-audio "$m" "$src/plugins/obs/data" 8 "$filters" /usr/share/obs/obs-plugins/obs-filters
else
  echo "obs_speed: Debian's obs-filters.so not installed (apt-get install obs-studio): no audio anchor" >&2
  exit 1
fi
