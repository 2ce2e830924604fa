export * from './config.ts';
export * from './publisher.ts';
export * from './relay-service.ts';
export { OutboxRelay, type ConnectivityReporter, type Stall } from './relay-loop.ts';
export { KafkaPublisher } from './kafka-publisher.ts';
export { createPublisher } from './publisher-factory.ts';
export { leaseKey } from './store-lease.ts';
export { HttpPublisher, GatewayRejectedError } from './http-publisher.ts';
