#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than the lockfile.
# `npm install` rather than `npm ci`: the registry this project's machines reach does not serve
# other platforms' optional binaries (e.g. @rollup/rollup-android-arm-eabi answers 404), so the
# lockfile cannot list them and `npm ci` rejects it as out of sync. `npm install` installs the
# locked versions and leaves the lockfile unchanged (checked in CI by `git diff --exit-code`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies…"
  npm install --no-audit --no-fund
fi
