#!/bin/sh
# Runs a command under its own Xvfb (libobs 29 opens an X display even to render offscreen),
# with Mesa's llvmpipe for OpenGL. A server that does not start is a setup failure (exit 1).
set -u
command -v Xvfb >/dev/null 2>&1 || { echo "SETUP FAILED: Xvfb not installed (apt-get install xvfb; scripts/install-deps.sh)" >&2; exit 1; }
dir=$(mktemp -d) || exit 1
trap 'kill "$xpid" 2>/dev/null; wait "$xpid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
exec 3>"$dir/display"
Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp -nolisten unix +extension GLX >"$dir/xvfb.log" 2>&1 &
xpid=$!
exec 3>&-
for i in $(seq 100); do
  [ -s "$dir/display" ] && break
  kill -0 "$xpid" 2>/dev/null || break
  sleep 0.1
done
if [ ! -s "$dir/display" ]; then
  echo "SETUP FAILED: Xvfb did not start:" >&2; cat "$dir/xvfb.log" >&2; exit 1
fi
DISPLAY=:$(cat "$dir/display")
export DISPLAY LIBGL_ALWAYS_SOFTWARE=1
"$@"
rc=$?
exit $rc
