#!/usr/bin/env bash
# npm ci when node_modules is missing or older than the lockfile; otherwise nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi
