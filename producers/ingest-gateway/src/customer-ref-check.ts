import { customerRefProblem } from '@retail-stream/runtime';
import type { BatchRefusal } from './batch-shape.ts';

/**
 * customer_ref is personal data unless it is the store edge's keyed pseudonym. A batch holding a
 * raw phone or card number in any event is refused whole (400) before anything is produced, so
 * the number never reaches Kafka, the gateway's tables or a dead letter. The refusal names the
 * field, never the value.
 */
export function checkCustomerRefs(events: readonly Record<string, unknown>[]): BatchRefusal | undefined {
  for (const [i, e] of events.entries()) {
    const ref = e.customer_ref;
    if (ref === undefined || ref === null) continue;
    const problem =
      typeof ref === 'string' ? customerRefProblem(ref) : 'customer_ref: must be a string or null';
    if (problem) {
      return {
        code: 'CUSTOMER_REF_NOT_PSEUDONYM',
        message: `event #${i}: ${problem}`,
        field: `events.${i}.customer_ref`,
      };
    }
  }
  return undefined;
}
