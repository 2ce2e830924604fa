import {
  counter,
  StoreSignatureVerifier,
  type Logger,
  type SignatureFailure,
  type SigningKey,
} from '@retail-stream/runtime';
import type { KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { ReferenceLookup } from './reference-data.ts';

/** One raw record refused for its store signature (record-pipeline.ts dead-letters it BAD_SIGNATURE). */
export interface BadSignature {
  /** The record key as given (attacker-chosen: logged shortened, never used as a metric label as is). */
  claimedStore: string | null;
  reason: SignatureFailure;
  message: string;
  partition: number;
  offset: string;
}

/** Store ids in logs are cut to this: the key is whatever the writer chose. */
const MAX_LOGGED_KEY = 64;

/**
 * The first step of the ingest pipeline: a raw record must carry a valid signature made with the key
 * of the store its record key names (runtime/src/store-signature.ts), before anything of it is
 * decoded or trusted. Counted and logged only once its batch committed (a retried batch is checked
 * again and must not count twice).
 */
export class SignatureGate {
  private readonly verifier: StoreSignatureVerifier;
  private readonly refused;

  constructor(
    masterKeys: readonly SigningKey[],
    registry: Registry,
    private readonly logger: Logger,
    private readonly refs: ReferenceLookup,
  ) {
    this.verifier = new StoreSignatureVerifier(masterKeys);
    this.refused = counter(
      registry,
      'retail_ingest_bad_signatures_total',
      'Raw records dead-lettered BAD_SIGNATURE, by reason and store (a store known to reference data, else "unknown")',
      ['reason', 'store'],
    );
  }

  get versions(): string[] {
    return this.verifier.versions;
  }

  /** Undefined when the record's signature is valid; otherwise why not. */
  check(m: KafkaMessage, partition: number): BadSignature | undefined {
    const result = this.verifier.verify(m);
    if (result.ok) return undefined;
    return {
      claimedStore: m.key === null ? null : m.key.toString(),
      reason: result.reason,
      message: result.message.slice(0, 200),
      partition,
      offset: m.offset,
    };
  }

  /** After commit: count each refusal and log it as an alert (who claimed to be whom, where it is). */
  committed(refused: readonly BadSignature[]): void {
    for (const r of refused) {
      // Label cardinality stays bounded: only store ids HQ knows become label values.
      const known = r.claimedStore !== null && this.refs.store(r.claimedStore) !== undefined;
      this.refused.inc({ reason: r.reason, store: known ? r.claimedStore! : 'unknown' });
      this.logger.warn(
        {
          alert: 'BAD_SIGNATURE',
          claimed_store: r.claimedStore?.slice(0, MAX_LOGGED_KEY) ?? null,
          reason: r.reason,
          partition: r.partition,
          offset: r.offset,
        },
        'raw record refused: store signature invalid (dead-lettered BAD_SIGNATURE)',
      );
    }
  }
}
