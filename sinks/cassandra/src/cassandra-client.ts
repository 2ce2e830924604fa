import cassandra from 'cassandra-driver';
import type { CassandraConnectionConfig } from './config.ts';

/**
 * Maps every node address the driver discovers (system.peers) to one fixed endpoint, for a proxy
 * or tunnel in front of the cluster. The node the driver first connects to is already known by the
 * contact point's address; peers would otherwise be dialled at the addresses they advertise.
 */
// The driver checks `instanceof AddressTranslator`; its typings declare the class as an interface.
type Translator = cassandra.policies.addressResolution.AddressTranslator;
const TranslatorBase = (
  cassandra.policies.addressResolution as unknown as { AddressTranslator: new () => Translator }
).AddressTranslator;

export class FixedAddressTranslator extends TranslatorBase {
  constructor(private readonly endpoint: string) {
    super();
  }

  override translate(_address: string, _port: number, callback: (endpoint: string) => void): void {
    callback(this.endpoint);
  }
}

export function createCassandraClient(
  cfg: CassandraConnectionConfig,
  opts: { keyspace?: string; applicationName?: string } = {},
): cassandra.Client {
  const translator = cfg.CASSANDRA_TRANSLATE_ADDRESSES_TO
    ? new FixedAddressTranslator(cfg.CASSANDRA_TRANSLATE_ADDRESSES_TO)
    : undefined;
  return new cassandra.Client({
    contactPoints: cfg.CASSANDRA_CONTACT_POINTS,
    localDataCenter: cfg.CASSANDRA_LOCAL_DC,
    keyspace: opts.keyspace,
    applicationName: opts.applicationName,
    credentials:
      cfg.CASSANDRA_USERNAME && cfg.CASSANDRA_PASSWORD
        ? { username: cfg.CASSANDRA_USERNAME, password: cfg.CASSANDRA_PASSWORD }
        : undefined,
    encoding: { useBigIntAsLong: true, useUndefinedAsUnset: true },
    socketOptions: {
      connectTimeout: cfg.CASSANDRA_CONNECT_TIMEOUT_MS,
      readTimeout: cfg.CASSANDRA_REQUEST_TIMEOUT_MS,
    },
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum, prepare: true },
    policies: {
      // Down is down: a short, capped reconnection schedule so a restored node is used again soon.
      reconnection: new cassandra.policies.reconnection.ExponentialReconnectionPolicy(500, 5_000, false),
      ...(translator ? { addressResolution: translator } : {}),
    },
  });
}
