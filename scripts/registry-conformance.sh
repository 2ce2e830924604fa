#!/usr/bin/env bash
# The registry conformance suites against Apicurio Registry (issue 15): starts it beside the built-in
# registry (`infra:up apicurio-registry`, storage in the local Postgres) and runs the suites that
# `npm test` runs against ours. Where Apicurio differs from Confluent the tests assert Apicurio's
# answer, so infra/README.md's table of differences stays true. Needs a Java 21+ (APICURIO_JAVA_HOME).
# Extra arguments go to vitest (e.g. -t 'references').
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsx infra/src/cli.ts up postgres apicurio-registry
url="http://127.0.0.1:${APICURIO_PORT:-18085}/apis/ccompat/v7"
# SCHEMA_REGISTRY_IMPL makes serviceEnv() (the Confluent client suites) hand out Apicurio's URL and no
# registry credentials; REGISTRY_CONFORMANCE_URL points the REST conformance suite at it. One file at
# a time: the REST suite changes the global compatibility level for a moment.
# A failed pass leaves Apicurio's thread stacks beside its log: the one stall seen (a request it
# accepted and never answered, 2 runs in 5 on a fresh instance) needs them to be understood.
dump_threads() {
  code=$?
  pid=$(cat .data/apicurio-registry/apicurio-registry.pid 2>/dev/null || true)
  if [ "$code" -ne 0 ] && [ -n "$pid" ]; then
    jcmd=$(ls /usr/lib/jvm/*/bin/jcmd 2>/dev/null | tail -1)
    [ -n "$jcmd" ] && "$jcmd" "$pid" Thread.print > .data/logs/apicurio-threads.txt 2>&1 &&
      echo "Apicurio's thread stacks: .data/logs/apicurio-threads.txt"
  fi
  exit "$code"
}
trap dump_threads EXIT
SCHEMA_REGISTRY_IMPL=apicurio SCHEMA_REGISTRY_URL="$url" REGISTRY_CONFORMANCE_URL="$url" \
  npx vitest run --project integration --no-file-parallelism \
  infra/schema-registry/src/conformance.int.test.ts \
  infra/schema-registry/src/conformance-errors.int.test.ts \
  infra/schema-registry/src/confluent-client.int.test.ts \
  infra/schema-registry/src/confluent-pipeline-records.int.test.ts \
  infra/schema-registry/src/confluent-topic-check.int.test.ts \
  "$@"
