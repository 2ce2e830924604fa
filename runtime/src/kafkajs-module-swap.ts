import type { Kafka } from 'kafkajs';
import { kafkajsSrcFile, kafkajsRequire as require, kafkajsVerified } from './kafkajs-internals.ts';

/*
 * kafkajs' modules capture the functions they require when they load, so one of them cannot be
 * replaced in place. A swap loads a second copy of the modules on the path from the Kafka class
 * to the replaced one ("capturing", leaf first) while the replaced module's export is ours; every
 * other kafkajs module, errors included, stays the one plain `require('kafkajs')` users share.
 */

/** One kafkajs module replaced, and the modules that capture it, leaf first. */
export interface ModuleSwap {
  /** Path inside kafkajs' `src/`, e.g. `protocol/request.js`. */
  module: string;
  replacement: unknown;
  capturing: readonly string[];
}

/**
 * kafkajs' Kafka class built with every swap in place (one reload for all of them); kafkajs' own
 * class on any other kafkajs release than the one verified. The module cache is left as it was.
 */
export function kafkaWithSwappedModules(swaps: readonly ModuleSwap[]): typeof Kafka {
  if (!kafkajsVerified) return require(kafkajsSrcFile('index.js')) as typeof Kafka;
  const capturing = [...new Set([...swaps.flatMap((s) => s.capturing), 'index.js'])].map(kafkajsSrcFile);
  const cached = capturing.map((file) => [file, require.cache[file]] as const);
  const replaced = swaps.map((s) => {
    const file = kafkajsSrcFile(s.module);
    require(file); // loaded, so its cache entry exists to be swapped
    const entry = require.cache[file]!;
    const original: unknown = entry.exports;
    entry.exports = s.replacement;
    return { entry, original };
  });
  try {
    for (const [file] of cached) delete require.cache[file];
    return require(kafkajsSrcFile('index.js')) as typeof Kafka;
  } finally {
    // Later plain `require('kafkajs')` users keep kafkajs' own modules, as loaded before.
    for (const { entry, original } of replaced) entry.exports = original;
    for (const [file, module] of cached) {
      if (module) require.cache[file] = module;
      else delete require.cache[file];
    }
  }
}
