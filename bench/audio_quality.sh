#!/usr/bin/env bash
# Audio quality bench (SI-SDR improvement of ours with RNNoise 0.1 and 0.2, the official wasm
# builds of both, speex, FFmpeg afftdn and arnndn on speech + noise mixes at -5..15 dB SNR; plus
# speech onsets and 4-8 kHz sibilance kept against the clean speech). See bench/audio_quality.mjs.
# usage: bench/audio_quality.sh [BUILD_DIR] [extra options for audio_quality.mjs]
# Needs: models/fetch_rnnoise.sh, models/fetch_rnnoise2.sh and data/fetch.sh done (make models
# data), node, ffmpeg.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
command -v node >/dev/null || { echo "audio_quality: error: node not found (apt-get install nodejs)" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "audio_quality: error: ffmpeg not found" >&2; exit 1; }
[ -x "$build/tools/cleancast" ] || echo "audio_quality: warning: $build/tools/cleancast not built; ours/speex will be reported as not run" >&2
exec node "$here/audio_quality.mjs" --build "$build" "$@"
