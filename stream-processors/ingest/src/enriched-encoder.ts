import { allocFrame, frame, WIRE_HEADER_BYTES } from '@retail-stream/runtime';
import { catalogue, type Enrichment, type StoreEvent } from '@retail-stream/schemas';
import type avro from 'avsc';

const enrichmentType: avro.Type = catalogue.byFullName.get('retail.events.Enrichment')!.type;
/** Avro union branch 1 (the Enrichment record) of `["null", Enrichment]`, zig-zag encoded. */
const ENRICHMENT_BRANCH = 0x02;
/**
 * Where each Enrichment is encoded before it is copied into its record (grown when one does not
 * fit). toBuffer would allocate a zero-filled buffer per record and copy into it from avsc's own.
 */
let scratch = Buffer.allocUnsafe(16 * 1024);

function encodeEnrichment(enrichment: Enrichment): number {
  let end = enrichmentType.encode(enrichment, scratch, 0);
  if (end < 0) {
    // avsc answers -(missing bytes) when the buffer is too small.
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
    end = enrichmentType.encode(enrichment, scratch, 0);
  }
  return end;
}

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
    const tailLength = encodeEnrichment(enrichment);
    const bodyLength = raw.length - 1 - WIRE_HEADER_BYTES;
    const out = allocFrame(schemaId, bodyLength + 1 + tailLength);
    raw.copy(out, WIRE_HEADER_BYTES, WIRE_HEADER_BYTES, raw.length - 1);
    out[WIRE_HEADER_BYTES + bodyLength] = ENRICHMENT_BRANCH;
    scratch.copy(out, WIRE_HEADER_BYTES + bodyLength + 1, 0, tailLength);
    return out;
  }
  return frame(schemaId, readerType.toBuffer({ ...event, enrichment }));
}
