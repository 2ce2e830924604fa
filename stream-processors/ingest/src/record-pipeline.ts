import {
  bodyOf,
  deadLetterMessage,
  NOT_WIRE_FORMAT_MESSAGE,
  schemaIdOf,
  storeEpochOf,
} from '@retail-stream/runtime';
import type { StoreEvent } from '@retail-stream/schemas';
import type { KafkaMessage, Message } from 'kafkajs';
import { businessRuleViolation } from './business-rules.ts';
import { encodeEnriched } from './enriched-encoder.ts';
import { buildEnrichment } from './enrichment.ts';
import { boundsViolation, type BoundsCode } from './input-bounds.ts';
import type { EventSchemas } from './event-schemas.ts';
import type { ReferenceLookup } from './reference-data.ts';
import { admitEpoch, type StoreState } from './store-epoch-state.ts';
import type { BadSignature, SignatureGate } from './signature-check.ts';
import { observe, type GapReport } from './store-sequence.ts';
import { duplicateRecord, enrichedHeaders } from './trace-headers.ts';

export type DeadLetterCode =
  | 'NOT_WIRE_FORMAT'
  | 'UNKNOWN_SCHEMA_ID'
  | 'UNDECODABLE'
  | 'UNKNOWN_EVENT_TYPE'
  | 'BUSINESS_INVALID'
  | 'SEQUENCE_OUT_OF_WINDOW'
  | 'STORE_EPOCH_UNAPPROVED'
  | 'STORE_EPOCH_RETIRED'
  | 'BAD_SIGNATURE'
  | BoundsCode;

export interface PipelineContext {
  topic: string;
  partition: number;
  schemas: EventSchemas;
  refs: ReferenceLookup;
  /** The store's dedup state (its current epoch's), undefined for a store never seen; mutated in place. */
  stateOf(storeId: string): StoreState | undefined;
  /** Replaces the store's state (a new store, or a new epoch: store-epoch-state.ts). */
  setState(storeId: string, state: StoreState): void;
  /** The epoch an operator last started for the store (store-epochs topic), undefined if none. */
  approvedEpoch(storeId: string): string | undefined;
  processor: string;
  now: number;
  maxFutureSkewMs: number;
  /** INGEST_MAX_EVENT_AGE_MS (input-bounds.ts); absent or 0: no age limit. */
  maxEventAgeMs?: number;
  dedupWindow: number;
  fastEncode: boolean;
  /** Store signatures, checked before anything of a record is read (signature-check.ts). */
  signatures: Pick<SignatureGate, 'check'>;
}

export interface PipelineResult {
  enriched: Message[];
  deadLetters: Message[];
  /** One record per duplicate dropped (trace-headers.ts), for the duplicates topic. */
  duplicateRecords: Message[];
  deadLetterCodes: DeadLetterCode[];
  duplicates: number;
  unknownStores: number;
  unknownProducts: number;
  /** Stores whose dedup state changed (their changelog record must be written). */
  touchedStores: Set<string>;
  gapReports: { storeId: string; report: GapReport }[];
  /** Stores whose epoch changed in this batch (new store, legacy adopted, operator's switch). */
  epochChanges: { storeId: string; from: string | undefined; to: string }[];
  /** Records refused for their store signature (counted and logged after commit). */
  badSignatures: BadSignature[];
}

/**
 * validate → dedup → enrich for one batch, synchronously (writer schemas were fetched beforehand by
 * EventSchemas.prepare). Poison records become dead letters and never stop the batch; a duplicate
 * only counts. Records must be given in partition order: per store that is store_seq order.
 */
export function runPipeline(messages: readonly KafkaMessage[], ctx: PipelineContext): PipelineResult {
  const out: PipelineResult = {
    enriched: [],
    deadLetters: [],
    duplicateRecords: [],
    deadLetterCodes: [],
    duplicates: 0,
    unknownStores: 0,
    unknownProducts: 0,
    touchedStores: new Set(),
    gapReports: [],
    epochChanges: [],
    badSignatures: [],
  };
  // One HELD alert per store and batch is enough to page; every held record is a dead letter.
  const heldAlerted = new Set<string>();
  const reject = (m: KafkaMessage, code: DeadLetterCode, message: string) => {
    out.deadLetters.push(
      deadLetterMessage(
        {
          topic: ctx.topic,
          partition: ctx.partition,
          offset: m.offset,
          key: m.key,
          value: m.value,
          headers: m.headers,
        },
        { code, message },
        ctx.processor,
        new Date(ctx.now),
      ),
    );
    out.deadLetterCodes.push(code);
  };

  for (const m of messages) {
    const badSignature = ctx.signatures.check(m, ctx.partition);
    if (badSignature) {
      out.badSignatures.push(badSignature);
      reject(m, 'BAD_SIGNATURE', badSignature.message);
      continue;
    }
    const raw = m.value;
    const schemaId = schemaIdOf(raw);
    if (schemaId === undefined || !raw) {
      reject(m, 'NOT_WIRE_FORMAT', NOT_WIRE_FORMAT_MESSAGE);
      continue;
    }
    const lookup = ctx.schemas.writer(schemaId);
    if (!lookup) throw new Error(`schema id ${schemaId} was not prepared`);
    if (!lookup.ok) {
      reject(m, lookup.code, lookup.message);
      continue;
    }
    const { writer } = lookup;
    let event: StoreEvent;
    try {
      event = writer.readerType.fromBuffer(bodyOf(raw), writer.resolver) as StoreEvent;
    } catch (err) {
      reject(m, 'UNDECODABLE', `cannot decode with schema id ${schemaId}: ${(err as Error).message}`);
      continue;
    }
    if (event.event_type !== writer.eventType) {
      reject(
        m,
        'UNKNOWN_EVENT_TYPE',
        `event_type ${JSON.stringify(event.event_type)} in a ${writer.eventType} record`,
      );
      continue;
    }
    const key = m.key === null ? null : m.key.toString();
    const store = ctx.refs.store(event.store_id);
    const violation = businessRuleViolation(event, {
      key,
      now: ctx.now,
      maxFutureSkewMs: ctx.maxFutureSkewMs,
      storeCurrency: store?.currency,
    });
    if (violation !== undefined) {
      reject(m, 'BUSINESS_INVALID', violation);
      continue;
    }
    const outOfBounds = boundsViolation(event, { now: ctx.now, maxEventAgeMs: ctx.maxEventAgeMs ?? 0 });
    if (outOfBounds !== undefined) {
      reject(m, outOfBounds.code, outOfBounds.message);
      continue;
    }

    const current = ctx.stateOf(event.store_id);
    const epoch = storeEpochOf(m.headers);
    const admission = admitEpoch(current, epoch, ctx.approvedEpoch(event.store_id), event.store_seq);
    if (!admission.ok) {
      reject(m, admission.code, `store ${event.store_id} store_seq ${event.store_seq}: ${admission.message}`);
      continue;
    }
    if (admission.changed) {
      ctx.setState(event.store_id, admission.state);
      out.touchedStores.add(event.store_id);
      out.epochChanges.push({ storeId: event.store_id, from: current?.epoch, to: epoch });
    }
    const seen = observe(admission.state.seq, event.store_seq, ctx.now, ctx.dedupWindow);
    if (seen.held) {
      const mark = admission.state.seq.contiguous;
      reject(
        m,
        'SEQUENCE_OUT_OF_WINDOW',
        `store ${event.store_id} store_seq ${event.store_seq} is beyond the contiguous mark ${mark} + window ` +
          `${ctx.dedupWindow}: held until the sequences below arrive`,
      );
      if (!heldAlerted.has(event.store_id)) {
        heldAlerted.add(event.store_id);
        for (const report of seen.reports) out.gapReports.push({ storeId: event.store_id, report });
      }
      continue;
    }
    if (seen.duplicate) {
      out.duplicates++;
      out.duplicateRecords.push(duplicateRecord(m, ctx.partition, event, ctx.now));
      continue;
    }
    out.touchedStores.add(event.store_id);
    for (const report of seen.reports) out.gapReports.push({ storeId: event.store_id, report });

    const { enrichment, storeKnown, unknownProducts } = buildEnrichment(event, ctx.refs, ctx.now);
    if (!storeKnown) out.unknownStores++;
    out.unknownProducts += unknownProducts;
    out.enriched.push({
      key: m.key,
      value: encodeEnriched(
        raw,
        event,
        enrichment,
        writer.readerType,
        ctx.schemas.idOf(writer.eventType),
        writer.current,
        ctx.fastEncode,
      ),
      headers: enrichedHeaders(m, ctx.partition),
    });
  }
  return out;
}
