#!/usr/bin/env bash
# What the web build and its tests need beyond scripts/install-deps.sh: playwright-core exactly as
# pinned in web/package-lock.json (npm ci, integrity-checked, no browser download: Debian's
# chromium is driven). Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for t in clang-14 wasm-ld-14 chromium; do
  command -v "$t" >/dev/null || { echo "web/setup: $t missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
[ -e /usr/include/wasm32-wasi/stdlib.h ] || { echo "web/setup: wasi-libc missing" >&2; exit 1; }
if [ ! -f "$here/node_modules/playwright-core/package.json" ] ||
   [ "$(node -p "require('$here/node_modules/playwright-core/package.json').version")" != 1.61.0 ] ||
   [ ! -f "$here/node_modules/typescript/package.json" ]; then
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --silent)
fi
