import type { ErrorSection } from './entry.ts';

/**
 * The local services manager (infra/, `npm run infra:*`). Each InfraError also carries a `hint`
 * with the exact command or change that fixes it; the action here is the general one.
 */
export const infraErrors = {
  BAD_ARGUMENT: {
    retriable: false,
    meaning: 'infra CLI: unknown command, service or flag.',
    action: 'Run `npm run infra:status` for the service names; see infra/README.md.',
  },
  MISSING_PACKAGE: {
    retriable: false,
    meaning: 'A Debian package a local service needs is not installed.',
    action: 'Run the apt-get command in the hint (or `npm run setup`).',
  },
  APT_INSTALL_FAILED: {
    retriable: false,
    meaning: 'Installing a Debian package failed.',
    action: 'Read the apt output in the hint; check the network and sudo rights.',
  },
  MISSING_COMMAND: {
    retriable: false,
    meaning: 'A command the setup needs (java, mvn, …) is not on PATH.',
    action: 'Install it as the hint says.',
  },
  JAVA_TOO_OLD: {
    retriable: false,
    meaning: 'The installed Java is older than Kafka or Cassandra need.',
    action: 'Install the Java version in the hint.',
  },
  MAVEN_RESOLVE_FAILED: {
    retriable: false,
    meaning: 'Downloading the Kafka/Cassandra jars failed.',
    action: 'Check the network and the Maven cache in .data/cache; retry the setup.',
  },
  PORT_IN_USE: {
    retriable: false,
    meaning: "A local service's port is taken by another process.",
    action: 'Stop that process or change the port (see the hint).',
  },
  SERVICE_DIED: {
    retriable: false,
    meaning: 'A local service exited during start; its last log lines are attached.',
    action: 'Read the log tail; `npm run infra:logs -- <service>` for more.',
  },
  START_TIMEOUT: {
    retriable: false,
    meaning: 'A local service did not become ready in time.',
    action: 'Check its log (`npm run infra:logs -- <service>`); on a slow machine start it again.',
  },
  PG_OS_USER: {
    retriable: false,
    meaning: 'Postgres cannot run as this OS user (root).',
    action: 'Run the infra commands as a normal user, as the hint says.',
  },
  PG_SOCKET_PATH_TOO_LONG: {
    retriable: false,
    meaning: 'The Postgres socket path exceeds the OS limit (RS_DATA_DIR too deep).',
    action: 'Set RS_DATA_DIR to a shorter path.',
  },
  PG_INITDB_FAILED: {
    retriable: false,
    meaning: 'initdb failed to create the local Postgres cluster.',
    action: 'Read the log tail; remove the half-made data directory with `npm run infra:reset -- postgres`.',
  },
  PG_BOOTSTRAP_FAILED: {
    retriable: false,
    meaning: 'Creating the local Postgres roles and databases failed.',
    action: 'Read the log tail; `npm run infra:reset -- postgres` starts over.',
  },
  PG_START_FAILED: {
    retriable: false,
    meaning: 'pg_ctl could not start the local Postgres.',
    action: 'Read the log tail (port, permissions, stale pid file).',
  },
  PG_STOP_FAILED: {
    retriable: false,
    meaning: 'pg_ctl could not stop the local Postgres.',
    action: 'Read the log tail; stop the process by its pid if needed.',
  },
  PG_DATA_CORRUPT: {
    retriable: false,
    meaning: 'The local Postgres data directory is damaged or of another version.',
    action: '`npm run infra:reset -- postgres` (the local data is lost).',
  },
  KAFKA_FORMAT_FAILED: {
    retriable: false,
    meaning: 'Formatting the local Kafka (KRaft) storage failed.',
    action: 'Read the log tail; `npm run infra:reset -- kafka` starts over.',
  },
  KAFKA_DATA_CORRUPT: {
    retriable: false,
    meaning: 'The local Kafka data directory is damaged or of another cluster.',
    action: '`npm run infra:reset -- kafka` (the local topics are lost).',
  },
  KAFKA_MODE_MISMATCH: {
    retriable: false,
    meaning: 'The local Kafka data was made with another node count or mode than configured.',
    action: 'Start with the original settings, or `npm run infra:reset -- kafka`.',
  },
  KAFKA_NODE_DOWN: {
    retriable: false,
    meaning: 'A local Kafka node is not running.',
    action: 'Read its log tail; `npm run infra:up` starts it again.',
  },
  CLICKHOUSE_BAD_PATH: {
    retriable: false,
    meaning: 'The ClickHouse data path is not usable (spaces, permissions).',
    action: 'Set RS_DATA_DIR to a plain writable path.',
  },
  CASSANDRA_NOT_PREPARED: {
    retriable: false,
    meaning: 'The local Cassandra install is missing or incomplete.',
    action: 'Run `npm run setup` again.',
  },
  TSX_MISSING: {
    retriable: false,
    meaning: 'tsx, needed to run the local schema registry, is not installed.',
    action: 'Run `npm install` at the repository root.',
  },
  APICURIO_DATABASE_IN_USE: {
    retriable: false,
    meaning:
      'A new Apicurio data dir could not empty its Postgres database: another Apicurio (another RS_DATA_DIR) still uses it.',
    action: 'Stop that Apicurio, or give this one its own database with APICURIO_DATABASE.',
  },
} as const satisfies ErrorSection;
