export * from './store-event-factory.ts';
export * from './event-messages.ts';
export * from './kpi-window-fixture.ts';
export * from './enriched-sale-fixture.ts';
export * from './registry-access.ts';
