import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@retail-stream/runtime';
import { RegistryError } from './errors.ts';
import { registryEventSchema, type EventSink, type RegistryEvent } from './events.ts';

export const LOG_FILE_NAME = 'registry-events.jsonl';

/** A half-written last line found on open: moved aside so appends continue on a clean line. */
export interface TornTail {
  file: string;
  line: number;
  bytes: number;
  preview: string;
  savedTo: string;
}

export interface OpenedEventLog {
  log: EventLog;
  events: RegistryEvent[];
  tornTail: TornTail | undefined;
}

/**
 * Opens (creating if needed) the append-only event log in `dataDir` and returns every event in it.
 *
 * A last line that is not JSON is what a crash in the middle of a write leaves behind; that write
 * was never acknowledged to a client, so dropping it loses nothing — but it is reported and its
 * bytes kept next to the log, never silently discarded. Damage anywhere else means history was
 * lost, so opening fails with the file and line instead of starting with a different registry.
 */
export function openEventLog(dataDir: string): OpenedEventLog {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOG_FILE_NAME);
  const existed = fs.existsSync(file);
  const raw = existed ? fs.readFileSync(file) : Buffer.alloc(0);
  const text = raw.toString('utf8');
  const lines = text.split('\n');
  const events: RegistryEvent[] = [];
  let goodBytes = 0;
  let tornTail: TornTail | undefined;
  const lastNonEmpty = lines.findLastIndex((l) => l.trim() !== '');

  for (const [index, line] of lines.entries()) {
    const lineBytes = Buffer.byteLength(line) + (index < lines.length - 1 ? 1 : 0);
    if (line.trim() === '') {
      goodBytes += lineBytes;
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      if (index !== lastNonEmpty)
        throw corrupt(file, index + 1, `not JSON (${(err as Error).message})`, line);
      tornTail = setAsideTornTail(file, raw.subarray(goodBytes), index + 1);
      break;
    }
    const parsed = registryEventSchema.safeParse(json);
    if (!parsed.success) {
      // Valid JSON that is not an event is not a torn write; it is a bug or a foreign file.
      const issues = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw corrupt(file, index + 1, `not a registry event (${issues})`, line);
    }
    events.push(parsed.data);
    goodBytes += lineBytes;
  }

  const fd = fs.openSync(file, 'a');
  if (!existed) fsyncDirectory(dataDir);
  // A complete last event without its newline would otherwise be glued to the next append.
  if (!tornTail && text.length > 0 && !text.endsWith('\n')) writeDurably(fd, '\n');
  return { log: new EventLog(file, fd), events, tornTail };
}

/** The durable EventSink: every append is on disk (fsync) before the caller changes state or answers. */
export class EventLog implements EventSink {
  private fd: number | undefined;

  constructor(
    readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  append(event: RegistryEvent): void {
    if (this.fd === undefined)
      throw new RegistryError('STORAGE_FAILED', 'the registry is shutting down', { retriable: true });
    const line = `${JSON.stringify({ ...event, at: new Date().toISOString() })}\n`;
    try {
      writeDurably(this.fd, line);
    } catch (err) {
      throw new RegistryError(
        'STORAGE_FAILED',
        `could not write to ${this.file}: ${(err as Error).message}`,
        {
          retriable: true,
          cause: err,
        },
      );
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function writeDurably(fd: number, text: string): void {
  const buffer = Buffer.from(text);
  let written = 0;
  while (written < buffer.length) written += fs.writeSync(fd, buffer, written);
  fs.fsyncSync(fd);
}

/** Makes a newly created file's directory entry durable too, not just its contents. */
function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** `tail` is everything from the torn line's first byte; the log is cut back to just before it. */
function setAsideTornTail(file: string, tail: Buffer, line: number): TornTail {
  const savedTo = `${file}.torn-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  fs.writeFileSync(savedTo, tail);
  const fd = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(fd, fs.fstatSync(fd).size - tail.length);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { file, line, bytes: tail.length, preview: tail.toString('utf8').slice(0, 120), savedTo };
}

function corrupt(file: string, line: number, reason: string, content: string): AppError {
  return new AppError(
    'REGISTRY_LOG_CORRUPT',
    `${file}:${line} is ${reason}: ${content.slice(0, 120)}. ` +
      'The registry will not start on a damaged history; repair or remove that line, or start over with ' +
      '`npm run infra:reset -- schema-registry` (all schemas are lost).',
    { retriable: false },
  );
}
