#!/usr/bin/env bash
# Installs what running the official solution needs: Debian's chromium (if missing) and
# playwright-core exactly as pinned in tests/ref/package-lock.json (npm ci, no browser download).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/chromium ]; then
  echo "ref: installing Debian chromium"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
fi
if [ ! -f "$here/node_modules/playwright-core/package.json" ] ||
   [ "$(node -p "require('$here/node_modules/playwright-core/package.json').version")" != 1.61.0 ]; then
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --silent)
fi
