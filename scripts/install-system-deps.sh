#!/usr/bin/env bash
# Installs the Debian packages the local stack needs, only those missing.
# Java 17 and Maven run Kafka and Cassandra from Maven Central jars; Postgres and ClickHouse come
# from Debian; kcat is the independent Kafka client used by the interop smoke test; chromium runs
# the dashboard's browser test.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
want() { have_pkg "$1" || need+=("$1"); }

command -v java >/dev/null 2>&1 || want openjdk-17-jdk-headless
command -v mvn >/dev/null 2>&1 || want maven
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want postgresql
want clickhouse-server
want clickhouse-client
want kcat
want chromium  # headless browser for the dashboard's browser test (playwright-core)

if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "✗ missing Debian packages: ${need[*]}" >&2
  echo "  fix: as root run: apt-get update && apt-get install -y ${need[*]}" >&2
  exit 1
fi

echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# Debian's clickhouse-server/postgresql postinst scripts would start system-wide servers on the
# standard ports; the project runs its own, so keep package installs from starting daemons.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy" && created_policy=1
fi
cleanup() { [ "$created_policy" -eq 1 ] && $SUDO rm -f "$policy"; return 0; }
trap cleanup EXIT

if ! $SUDO apt-get install -y --no-install-recommends "${need[@]}"; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi
