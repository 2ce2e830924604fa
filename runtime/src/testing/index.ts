/** Test-only helpers, exported as @retail-stream/runtime/testing so services never import them. */
export * from './wait-for.ts';
export * from './unique-name.ts';
export * from './kafka-test-topics.ts';
export * from './topic-collector.ts';
export * from './kafka-network-faults.ts';
export * from './free-port.ts';
export * from './tcp-fault-proxy.ts';
export * from './service-process.ts';
export * from './group-caught-up.ts';
export * from './send-in-chunks.ts';
export * from './tolerate-dropped-connections.ts';
export * from './latency-stats.ts';
