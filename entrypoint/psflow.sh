#!/usr/bin/env bash
# Runs psflow for an action. It uses, in order: psflow on PATH; a binary
# already resolved for this checkout of the action; for a release tag, the
# release binary for this OS and architecture, verified against the
# release's checksums; else a build from the action's own source with Go.
#
#   psflow.sh <action> [flags]   run an action
#   psflow.sh --path             print the resolved binary's path
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.bin/psflow"
repo="psflow/psflow"

resolve() {
  if command -v psflow >/dev/null 2>&1 && [ -z "${PSFLOW_NO_PATH:-}" ]; then
    command -v psflow
    return
  fi
  if [ -x "$bin" ]; then
    echo "$bin"
    return
  fi
  mkdir -p "$root/.bin"
  local ref="${PSFLOW_ACTION_REF:-}"
  if [[ "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] && download "$ref"; then
    echo "$bin"
    return
  fi
  echo "psflow: building from source in $root" >&2
  (cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$bin" ./cmd/psflow) >&2
  echo "$bin"
}

# download fetches the release binary and checks it against checksums.txt.
download() {
  local ref="$1" os arch name tmp base
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) return 1 ;;
  esac
  name="psflow_${os}_${arch}"
  base="https://github.com/$repo/releases/download/$ref"
  tmp="$(mktemp -d)"
  if curl -fsSL -o "$tmp/$name" "$base/$name" && curl -fsSL -o "$tmp/checksums.txt" "$base/checksums.txt" &&
    (cd "$tmp" && grep " ${name}\$" checksums.txt | sha256sum -c --status -); then
    install -m 0755 "$tmp/$name" "$bin"
    rm -rf "$tmp"
    return 0
  fi
  echo "psflow: no verified release binary $name for $ref" >&2
  rm -rf "$tmp"
  return 1
}

if [ "${1:-}" = "--path" ]; then
  resolve
  exit 0
fi
psflow="$(resolve)"
exec "$psflow" "$@"
