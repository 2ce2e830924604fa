import type { WindowSize } from '@retail-stream/schemas';
import { localDayBounds } from '@retail-stream/runtime';

/** One tumbling window: [start, end) in UTC epoch ms; timezone only for D1_LOCAL. */
export interface WindowRef {
  size: WindowSize;
  start: number;
  end: number;
  timezone: string | null;
}

export const WINDOW_SIZES: readonly WindowSize[] = ['M1', 'M15', 'H1', 'D1_LOCAL'];

const FIXED_MS: Record<Exclude<WindowSize, 'D1_LOCAL'>, number> = {
  M1: 60_000,
  M15: 15 * 60_000,
  H1: 3_600_000,
};

/** A fixed-length window aligned to the UTC epoch. */
export function fixedWindow(size: Exclude<WindowSize, 'D1_LOCAL'>, ms: number): WindowRef {
  const len = FIXED_MS[size];
  const start = Math.floor(ms / len) * len;
  return { size, start, end: start + len, timezone: null };
}

export function localDayWindow(ms: number, timeZone: string): WindowRef {
  const { start, end } = localDayBounds(ms, timeZone);
  return { size: 'D1_LOCAL', start, end, timezone: timeZone };
}

/** Every window an event at `occurredAt` belongs to, for a store in `timeZone`. */
export function windowsFor(occurredAt: number, timeZone: string): WindowRef[] {
  return [
    fixedWindow('M1', occurredAt),
    fixedWindow('M15', occurredAt),
    fixedWindow('H1', occurredAt),
    localDayWindow(occurredAt, timeZone),
  ];
}

/** Identity of a window within one scope: `size|start`. */
export function windowKey(w: Pick<WindowRef, 'size' | 'start'>): string {
  return `${w.size}|${w.start}`;
}
