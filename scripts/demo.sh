#!/usr/bin/env bash
# README quick start, line 1: install what is missing, start the real local services, show them working.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/ensure-node-deps.sh
npx tsx infra/src/cli.ts up
npx tsx infra/src/smoke-check.ts
echo
echo "Stack is up. Next: 'npm test' runs the full suite; 'npm run infra:status' shows the services; 'npm run infra:down' stops them."
