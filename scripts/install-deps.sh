#!/usr/bin/env bash
# Installs the Debian 12 packages cleancast builds, tests and demos with.
# Idempotent: does nothing when all are present.
set -euo pipefail

PKGS=(
  build-essential clang libclang-rt-14-dev meson ninja-build pkg-config
  libxnnpack-dev libpthreadpool-dev libspeexdsp-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
  libavdevice-dev libsndfile1-dev
  ffmpeg sox imagemagick ca-certificates xz-utils binutils python3 openssl
  nginx libnginx-mod-rtmp srt-tools pulseaudio pulseaudio-utils
  ladspa-sdk lv2-dev sordi lilv-utils pipewire pipewire-bin wireplumber dbus
  libobs-dev libsimde-dev obs-studio xvfb xauth libgl1-mesa-dri libegl-mesa0
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav time
  clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 chromium
  libpipewire-0.3-dev gstreamer1.0-pipewire
  libebur128-dev libwebrtc-audio-processing-dev
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done
# node and npm: Debian's packages unless the machine already has them (a NodeSource nodejs
# ships its own npm and conflicts with Debian's npm package).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
