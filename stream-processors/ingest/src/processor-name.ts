/** Logger service, Kafka clientId, default group id and `processor` field of alerts and dead letters. */
export const PROCESSOR_NAME = 'ingest-processor';
