#!/usr/bin/env bash
# Runs psflow for an action. It uses, in order:
#   1. psflow on PATH (unless PSFLOW_NO_PATH is set);
#   2. the release binary that entrypoint/release.json, in this very checkout
#      of the action, records for this OS and architecture: from the tool
#      cache, else downloaded (with a timeout and retries) into it. Either
#      way its sha256 must be the one recorded, or nothing runs: trust
#      follows the ref the workflow pinned (v1, v1.2, v1.2.3 or a commit);
#   3. a build from this checkout's source with Go, when it records no binary
#      for this platform (a commit between releases), or the download failed.
#
#   psflow.sh <action> [flags]   run an action
#   psflow.sh --path             print the resolved binary's path
#
# Environment:
#   RUNNER_TOOL_CACHE        cache root (else $XDG_CACHE_HOME, else ~/.cache)
#   PSFLOW_RELEASE_URL       download base; a binary is at BASE/VERSION/NAME
#                            (default https://github.com/psflow/psflow/releases/download)
#   PSFLOW_DOWNLOAD_TIMEOUT  seconds one download attempt may take (default 60)
#   PSFLOW_NO_PATH           set: ignore psflow on PATH
#
# Bash 3.2 (macOS) compatible. A cached start runs no program but uname and
# the hash (about 30 ms in all; BENCHMARKS.md).
set -euo pipefail

src="${BASH_SOURCE[0]}"
case "$src" in */*) ;; *) src="./$src" ;; esac
root="$(cd "${src%/*}/.." && pwd)"
manifest="$root/entrypoint/release.json"

say() { printf 'psflow: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# platform sets os, arch and ext (.exe on Windows) for this machine.
platform() {
  local u
  u="$(uname -sm)"
  case "${u% *}" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows*) os=windows ;;
    *) os="$(printf '%s' "${u% *}" | tr '[:upper:]' '[:lower:]')" ;;
  esac
  case "${u##* }" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch="${u##* }" ;;
  esac
  ext=""
  if [ "$os" = windows ]; then ext=".exe"; fi
}

# sha256 prints the hex sha256 of the file $1: with openssl where there is
# one (it hashes several times faster than coreutils), else sha256sum or
# shasum.
sha256() {
  local out
  if command -v openssl >/dev/null 2>&1; then
    out="$(openssl dgst -sha256 "$1")" # "SHA2-256(FILE)= HEX"
    out="${out##* }"
  elif command -v sha256sum >/dev/null 2>&1; then
    out="$(sha256sum "$1")" # "HEX  FILE"
    out="${out%% *}"
  elif command -v shasum >/dev/null 2>&1; then
    out="$(shasum -a 256 "$1")"
    out="${out%% *}"
  else
    die "found no openssl, sha256sum or shasum to verify psflow with"
  fi
  printf '%s' "${out#\\}"
}

# release sets version and want (the recorded sha256 of psflow for this
# platform) from entrypoint/release.json; it fails when the checkout records
# no binary for this platform.
release() {
  local json="" re
  [ -f "$manifest" ] || return 1
  IFS= read -r -d '' json <"$manifest" || true
  re='"version": *"(v[0-9]+\.[0-9]+\.[0-9]+)"'
  [[ $json =~ $re ]] || die "$manifest names no release version (vMAJOR.MINOR.PATCH)"
  version="${BASH_REMATCH[1]}"
  name="psflow_${os}_${arch}${ext}"
  re="\"${name/.exe/[.]exe}\": *\"([0-9a-f]{64})\""
  [[ $json =~ $re ]] || return 1
  want="${BASH_REMATCH[1]}"
}

# download fetches $url into the file $1, trying three times; on failure it
# sets why and fails.
download() {
  local out="$1" attempt=1 code
  if ! command -v curl >/dev/null 2>&1; then
    why="curl is not installed to download $url"
    return 1
  fi
  while :; do
    code="$(curl -sSL --connect-timeout 10 --max-time "${PSFLOW_DOWNLOAD_TIMEOUT:-60}" \
      -w '%{http_code}' -o "$out" "$url" 2>"$out.err")" || code="${code:-000}"
    case "$code" in
      200) rm -f "$out.err"; return 0 ;;
      404) why="$url: not found (404)"; break ;;
    esac
    why="$url: $(tr '\n' ' ' <"$out.err")(HTTP $code, attempt $attempt of 3)"
    [ "$attempt" -lt 3 ] || break
    sleep "$attempt"
    attempt=$((attempt + 1))
  done
  rm -f "$out" "$out.err"
  return 1
}

# cached sets exe to the verified release binary, downloading it into the
# tool cache when it is not there; it fails, with why set, when it cannot be
# had, and exits when the download is not the recorded binary.
cached() {
  local dir bin tmp got
  dir="${RUNNER_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}}/psflow/$version/$os-$arch"
  bin="$dir/psflow$ext"
  if [ -f "$bin" ]; then
    if [ "$(sha256 "$bin")" = "$want" ]; then
      exe="$bin"
      return 0
    fi
    say "the cached $bin is not the psflow $version that $manifest records; downloading it again"
  fi
  url="${PSFLOW_RELEASE_URL:-https://github.com/psflow/psflow/releases/download}"
  url="${url%/}/$version/$name"
  mkdir -p "$dir"
  tmp="$dir/.psflow.$$.$RANDOM"
  download "$tmp" || return 1
  got="$(sha256 "$tmp")"
  if [ "$got" != "$want" ]; then
    rm -f "$tmp"
    die "refusing $url: its sha256 is $got, but $manifest records $want for $name ($version). Nothing was run. The download is not the binary this ref was released with; report it (SECURITY.md)."
  fi
  chmod 0755 "$tmp"
  mv -f "$tmp" "$bin"
  say "downloaded and verified psflow $version ($name) into $dir"
  exe="$bin"
}

# build sets exe to psflow built from this checkout's source; $1 says why.
build() {
  local out="$root/.bin/psflow$ext" flags=""
  exe="$out"
  if [ -x "$out" ]; then
    return 0
  fi
  command -v go >/dev/null 2>&1 ||
    die "$1; and Go is not installed to build psflow from source: install Go (actions/setup-go), or pin a release (psflow/psflow@v1) on a platform it has binaries for"
  say "$1; building psflow from source in $root with $(go env GOVERSION) (this takes a while)"
  if [ -n "${version:-}" ]; then flags="-X main.version=$version"; fi
  (cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "$flags" -o "$out" ./cmd/psflow) >&2 ||
    die "building psflow from source in $root failed"
}

# resolve sets exe to the psflow to run.
resolve() {
  if [ -z "${PSFLOW_NO_PATH:-}" ] && exe="$(command -v psflow)"; then
    return 0
  fi
  platform
  version=""
  if ! release; then
    build "this checkout of psflow ($root) records no release binary for $os/$arch in entrypoint/release.json"
  elif ! cached; then
    build "could not download psflow $version: $why"
  fi
}

resolve
if [ "${1:-}" = "--path" ]; then
  printf '%s\n' "$exe"
  exit 0
fi
exec "$exe" "$@"
