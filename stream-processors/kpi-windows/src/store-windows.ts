import type { StoreEvent, WindowSize } from '@retail-stream/schemas';
import { addEvent, currencyOf, emptyMeasures, type Measures } from './measures.ts';
import { isEvictable, lateDecision, watermarkOf, emitDue, isClosed } from './watermark.ts';
import { WINDOW_SIZES, windowKey, windowsFor, type WindowRef } from './window-assignment.ts';

export interface WindowPolicy {
  allowedLatenessMs: number;
  emitIntervalMs: number;
  evictGraceMs: number;
  /** Used for D1_LOCAL when the store is unknown or its zone is not a valid IANA name. */
  defaultTimeZone: string;
  defaultCurrency: string;
}

/** One store window's state; also its changelog record (JSON). */
export interface WindowState extends WindowRef {
  currency: string;
  m: Measures;
  /** Last emitted revision (0: never emitted). */
  revision: number;
  isFinal: boolean;
  /** Changed since the last emitted revision. */
  dirty: boolean;
  /** Processing time of the last emit (not persisted meaningfully: 0 after restore emits promptly). */
  lastEmitAt: number;
}

/**
 * A WindowState with every field listed, as all of them must be built (never `{ ...ref, … }`): on
 * Node 20's V8 a literal that starts with a spread and adds more properties gets a hidden class of
 * its own per object (1,947 classes for 2,000 windows, measured), which costs memory per window and
 * makes every access to windows megamorphic.
 */
export function windowState(
  ref: WindowRef,
  currency: string,
  m: Measures,
  revision: number,
  isFinal: boolean,
  dirty: boolean,
): WindowState {
  return {
    size: ref.size,
    start: ref.start,
    end: ref.end,
    timezone: ref.timezone,
    currency,
    m,
    revision,
    isFinal,
    dirty,
    lastEmitAt: 0,
  };
}

/** A window revision to publish. */
export interface WindowEmit {
  storeId: string;
  w: WindowState;
}

export interface StoreMeta {
  maxEventTime: number;
  /** Per size: windows ending at or before this were evicted (late events there cannot be applied). */
  evictedBefore: Partial<Record<WindowSize, number>>;
}

export interface ApplyResult {
  /** The event touched at least one window that had already closed (correction) or was evicted. */
  late: boolean;
  evicted: boolean;
}

/**
 * The KPI state of one store: open (and recently final) windows, its event-time high mark, and
 * what was evicted. Pure: the partition worker persists `changed` keys and publishes emits.
 */
export class StoreWindows {
  readonly windows = new Map<string, WindowState>();
  meta: StoreMeta = { maxEventTime: Number.NEGATIVE_INFINITY, evictedBefore: {} };
  /** Window keys whose state changed since the last takeChanges (plus 'meta'). */
  private readonly changed = new Set<string>();
  /**
   * When the earliest throttled update (changed, not emitted for the emit interval) becomes due, as
   * of the last advance; Infinity when none is waiting. Lets the partition worker publish it with its
   * next transaction although this store had no event since.
   */
  dueAt = Number.POSITIVE_INFINITY;
  private readonly removed = new Set<string>();
  /**
   * The windows (and their keys) of the last event applied: a store's events arrive close together
   * in time, so most events fall into the same minute (hence the same M15, H1) and local day, and
   * reuse them instead of allocating four refs and four key strings each.
   */
  private last: { timeZone: string; refs: WindowRef[]; keys: string[]; from: number; to: number } | undefined;

  constructor(
    readonly storeId: string,
    private readonly policy: WindowPolicy,
  ) {}

  get watermark(): number {
    return watermarkOf(this.meta.maxEventTime, this.policy.allowedLatenessMs);
  }

  /** Applies one event of this store (events arrive in store_seq order, not necessarily time order). */
  apply(ev: StoreEvent, timeZone: string): ApplyResult {
    const result: ApplyResult = { late: false, evicted: false };
    const watermark = this.watermark;
    const currency = currencyOf(ev);
    const { refs, keys } = this.windowsOf(ev.occurred_at, timeZone);
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      const key = keys[i]!;
      let w = this.windows.get(key);
      const decision = lateDecision(
        ref.end,
        watermark,
        this.meta.evictedBefore[ref.size] ?? -Infinity,
        w?.isFinal,
      );
      if (decision === 'evicted') {
        result.late = true;
        result.evicted = true;
        continue;
      }
      if (decision === 'correction') result.late = true;
      if (!w) {
        w = windowState(ref, currency ?? this.policy.defaultCurrency, emptyMeasures(), 0, false, false);
        this.windows.set(key, w);
      }
      if (addEvent(w.m, ev) || w.revision === 0) {
        w.dirty = true;
        this.changed.add(key);
      }
    }
    if (ev.occurred_at > this.meta.maxEventTime) {
      this.meta.maxEventTime = ev.occurred_at;
      this.changed.add('meta');
    }
    return result;
  }

  private windowsOf(occurredAt: number, timeZone: string): { refs: WindowRef[]; keys: string[] } {
    const last = this.last;
    if (last !== undefined && last.timeZone === timeZone && occurredAt >= last.from && occurredAt < last.to)
      return last;
    const refs = windowsFor(occurredAt, timeZone);
    // Every instant in the intersection of all its windows has exactly these windows.
    let from = Number.NEGATIVE_INFINITY;
    let to = Number.POSITIVE_INFINITY;
    for (const r of refs) {
      from = Math.max(from, r.start);
      to = Math.min(to, r.end);
    }
    this.last = { timeZone, refs, keys: refs.map(windowKey), from, to };
    return this.last;
  }

  /**
   * Closes windows the watermark passed (their final revision is due now), emits changed open
   * windows whose throttle expired, emits corrections of final windows, evicts final windows past
   * the grace period, and notes when the next throttled update becomes due (`dueAt`).
   */
  advance(now: number): WindowEmit[] {
    const emits: WindowEmit[] = [];
    const watermark = this.watermark;
    const interval = this.policy.emitIntervalMs;
    let dueAt = Number.POSITIVE_INFINITY;
    for (const [key, w] of this.windows) {
      const closing = !w.isFinal && isClosed(w.end, watermark);
      if (closing || emitDue(w.dirty, w.lastEmitAt, now, interval)) {
        if (closing) w.isFinal = true;
        w.revision += 1;
        w.dirty = false;
        w.lastEmitAt = now;
        this.changed.add(key);
        emits.push({ storeId: this.storeId, w });
      } else if (w.isFinal && !w.dirty && isEvictable(w.end, watermark, this.policy.evictGraceMs)) {
        this.windows.delete(key);
        this.changed.delete(key);
        this.removed.add(key);
        const before = this.meta.evictedBefore[w.size] ?? -Infinity;
        if (w.end > before) this.meta.evictedBefore[w.size] = w.end;
        this.changed.add('meta');
      } else if (w.dirty) {
        dueAt = Math.min(dueAt, w.lastEmitAt + interval);
      }
    }
    this.dueAt = dueAt;
    return emits;
  }

  /** Windows changed (to write) and removed (to tombstone) since the last call. */
  takeChanges(): { changed: string[]; removed: string[] } {
    const out = { changed: [...this.changed], removed: [...this.removed] };
    this.changed.clear();
    this.removed.clear();
    return out;
  }

  openCount(): number {
    let n = 0;
    for (const w of this.windows.values()) if (!w.isFinal) n++;
    return n;
  }

  /** Restores one changelog entry (window or meta): `w` as decodeEntry built it (lastEmitAt 0). */
  restoreWindow(key: string, w: WindowState | null): void {
    if (w === null) this.windows.delete(key);
    else this.windows.set(key, w);
  }

  restoreMeta(meta: StoreMeta): void {
    this.meta = {
      maxEventTime: meta.maxEventTime ?? Number.NEGATIVE_INFINITY,
      evictedBefore: { ...meta.evictedBefore },
    };
  }
}

export { WINDOW_SIZES };
