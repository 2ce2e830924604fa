import { createRequire } from 'node:module';
import path from 'node:path';

/*
 * The one place that reaches into kafkajs' own modules (its files, its module cache, its version).
 * The runtime replaces four of them on the hot path (produce encoding, record decoding, send
 * grouping, request framing; docs/architecture.md, "Processors on the hot path"), each only on the
 * kafkajs release it was verified against: kafkajs 2.2.4 has had no release since February 2023.
 */

/** `require` for kafkajs' CommonJS modules, and their cache. */
export const kafkajsRequire = createRequire(import.meta.url);

const KAFKAJS_DIR = path.dirname(kafkajsRequire.resolve('kafkajs/package.json'));

/** The absolute path of a file inside the kafkajs package (e.g. `src/index.js`). */
export const kafkajsFile = (file: string): string => path.join(KAFKAJS_DIR, file);

/** The absolute path of a module of kafkajs' `src/` (e.g. `protocol/request.js`). */
export const kafkajsSrcFile = (file: string): string => kafkajsFile(`src/${file}`);

/** The kafkajs release the module replacements reproduce; any other keeps kafkajs' own code. */
export const VERIFIED_KAFKAJS_VERSION = '2.2.4';

/** The kafkajs release installed here. */
export const KAFKAJS_VERSION = (kafkajsRequire(kafkajsFile('package.json')) as { version: string }).version;

export const kafkajsVerified = KAFKAJS_VERSION === VERIFIED_KAFKAJS_VERSION;
