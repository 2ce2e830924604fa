import { allocFrame, frame, WIRE_HEADER_BYTES } from '@retail-stream/runtime';
import { catalogue, type Enrichment, type StoreEvent } from '@retail-stream/schemas';
import type avro from 'avsc';

const enrichmentType: avro.Type = catalogue.byFullName.get('retail.events.Enrichment')!.type;
/** Avro union branch 1 (the Enrichment record) of `["null", Enrichment]`, zig-zag encoded. */
const ENRICHMENT_BRANCH = 0x02;

/**
 * The enriched record value. Fast path: `enrichment` is the last field of every store event and
 * null (one 0x00 byte, union branch 0) as the store wrote it, so when the writer schema is the
 * catalogue's own, the enriched body is the raw body minus that byte plus branch 1 and the encoded
 * Enrichment — no re-encoding of the event. Otherwise the event is encoded in full.
 */
export function encodeEnriched(
  raw: Buffer,
  event: StoreEvent,
  enrichment: Enrichment,
  readerType: avro.Type,
  schemaId: number,
  sameSchema: boolean,
  fastPath = true,
): Buffer {
  if (fastPath && sameSchema && event.enrichment === null && raw[raw.length - 1] === 0) {
    const tail = enrichmentType.toBuffer(enrichment);
    const bodyLength = raw.length - 1 - WIRE_HEADER_BYTES;
    const out = allocFrame(schemaId, bodyLength + 1 + tail.length);
    raw.copy(out, WIRE_HEADER_BYTES, WIRE_HEADER_BYTES, raw.length - 1);
    out[WIRE_HEADER_BYTES + bodyLength] = ENRICHMENT_BRANCH;
    tail.copy(out, WIRE_HEADER_BYTES + bodyLength + 1);
    return out;
  }
  return frame(schemaId, readerType.toBuffer({ ...event, enrichment }));
}
