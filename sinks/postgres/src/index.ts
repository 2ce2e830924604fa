export * from './config.ts';
export * from './db.ts';
export * from './event-rows.ts';
export * from './batch-writer.ts';
export * from './records.ts';
export * from './writer.ts';
export * from './hq-tables.ts';
export * from './node-args.ts';
