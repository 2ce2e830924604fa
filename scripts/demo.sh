#!/usr/bin/env bash
# README quick start, line 1: install what is missing, start the real local services, then the whole
# pipeline (store edges + relays, processors, sinks, reports API, dashboard) with the store simulator
# selling, until Ctrl-C. Options go to the demo runner, e.g. `npm run demo -- --stores 5 --rate 10`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/ensure-node-deps.sh
npx tsx infra/src/cli.ts up
npx tsx infra/src/smoke-check.ts
exec node --import tsx scripts/e2e/src/demo-main.ts "$@"
