#!/usr/bin/env bash
# README quick start, line 2: the whole suite (types, lint, unit and integration tests) against the real services.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node-deps.sh
npx tsx infra/src/cli.ts up
npx turbo run typecheck --output-logs=errors-only
npx eslint .
npx prettier --check . --log-level warn
npx vitest run "$@"
