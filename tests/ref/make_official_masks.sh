#!/usr/bin/env bash
# Regenerates the committed reference masks in tests/ref/official/ by running the official
# MediaPipe selfie segmentation solution in headless Debian Chromium (see README.md).
# Needs: Debian chromium (installed here if missing), node + npm (playwright-core, pinned in
# package-lock.json), the models and the test material (models/fetch.sh, data/fetch.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
"$here/setup.sh"
"$root/models/fetch.sh"
"$root/data/fetch.sh"
node "$here/make_official_masks.mjs" "${1:-$here/official}"
