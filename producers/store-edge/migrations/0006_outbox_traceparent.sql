-- W3C trace context of the request that wrote the row (issue 15): the relay continues it, so an
-- event's trace starts at the checkout request and follows it through Kafka. Nullable and without
-- a default, so adding it is a catalogue-only change (no table rewrite, no long lock); rows written
-- before it, or outside a request, have none and the relay starts their trace. Idempotent.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS traceparent text;
