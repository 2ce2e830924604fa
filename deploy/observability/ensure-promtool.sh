#!/usr/bin/env bash
# Prints the path of the promtool the checks use: $PROMTOOL when set, else the one from Debian's
# `prometheus` package, unpacked (never installed: the package's postinst would start a Prometheus
# daemon on :9090) into .data/cache/prometheus. One pinned version, because `promtool test rules`
# compares rendered annotations and template helpers (humanizeDuration, ...) change between releases.
set -euo pipefail

if [ -n "${PROMTOOL:-}" ]; then
  echo "$PROMTOOL"
  exit 0
fi

root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/.data/cache/prometheus"
bin="$cache/root/usr/bin/promtool"
mkdir -p "$cache"
# Parallel test files may ask at the same time: one downloads, the others wait for it.
exec 9>"$cache/.lock"
flock 9

if [ ! -x "$bin" ]; then
  tmp="$(mktemp -d "$cache/download.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  download() { (cd "$tmp" && apt-get download prometheus) >&2; }
  if ! download; then
    # A fresh machine may have no package lists yet.
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update >&2
    elif command -v sudo >/dev/null 2>&1; then
      sudo apt-get update >&2
    fi
    download || {
      echo "✗ could not download Debian's prometheus package (for promtool); set PROMTOOL=/path/to/promtool" >&2
      exit 1
    }
  fi
  dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/root"
  # Only promtool is needed; drop the server binary so nothing can start it from here by mistake.
  rm -f "$tmp/root/usr/bin/prometheus"
  rm -rf "$cache/root"
  mv "$tmp/root" "$cache/root"
fi
echo "$bin"
