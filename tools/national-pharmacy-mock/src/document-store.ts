import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { KINDS, type DocumentKind } from './document-kinds.ts';

/** A document the mock accepted, as tests and the demo checker compare it. */
export interface StoredDocument {
  kind: DocumentKind;
  ma_co_so: string;
  /** ma_hoa_don or ma_phieu. */
  ma: string;
  national_id: string;
  /** The body as last accepted (POST, then each PUT). */
  body: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  /** 1 for the POST, +1 per PUT. */
  versions: number;
  deleted: boolean;
  deleted_at: string | null;
  /** POSTs of the same number refused as duplicates (a client that retried blindly). */
  duplicate_refusals: number;
}

export interface DocumentFilter {
  kind?: DocumentKind;
  ma_co_so?: string;
  deleted?: boolean;
}

/** The state file's content (`stateFile` / NATIONAL_MOCK_STATE_FILE). */
export interface PersistedState {
  version: 1;
  sequences: Record<DocumentKind, number>;
  documents: StoredDocument[];
}

/**
 * What the authority holds, keyed by its natural key (kind, ma_co_so, number). Optionally written
 * to a JSON file (debounced, atomically by rename) so a demo checker in another process can read
 * it, and read back at start so a restarted mock still knows what it accepted.
 */
export class DocumentStore {
  private readonly docs = new Map<string, StoredDocument>();
  private sequences: Record<DocumentKind, number> = { hoa_don: 0, phieu_nhap: 0, phieu_xuat: 0 };
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly now: () => number,
    private readonly persistFile?: string,
    private readonly persistDebounceMs = 100,
  ) {
    if (persistFile && existsSync(persistFile)) this.load(persistFile);
  }

  get(kind: DocumentKind, maCoSo: string, ma: string): StoredDocument | undefined {
    return this.docs.get(key(kind, maCoSo, ma));
  }

  create(kind: DocumentKind, maCoSo: string, ma: string, body: Record<string, unknown>): StoredDocument {
    const at = new Date(this.now()).toISOString();
    const seq = ++this.sequences[kind];
    const doc: StoredDocument = {
      kind,
      ma_co_so: maCoSo,
      ma,
      national_id: `${KINDS[kind].idPrefix}${maCoSo}${String(seq).padStart(8, '0')}`,
      body,
      created_at: at,
      updated_at: at,
      versions: 1,
      deleted: false,
      deleted_at: null,
      duplicate_refusals: 0,
    };
    this.docs.set(key(kind, maCoSo, ma), doc);
    this.changed();
    return doc;
  }

  update(doc: StoredDocument, body: Record<string, unknown>): void {
    doc.body = body;
    doc.versions++;
    doc.updated_at = new Date(this.now()).toISOString();
    this.changed();
  }

  markDeleted(doc: StoredDocument): void {
    doc.deleted = true;
    doc.deleted_at = new Date(this.now()).toISOString();
    this.changed();
  }

  refusedDuplicate(doc: StoredDocument): void {
    doc.duplicate_refusals++;
    this.changed();
  }

  list(filter: DocumentFilter = {}): StoredDocument[] {
    return [...this.docs.values()]
      .filter(
        (d) =>
          (filter.kind === undefined || d.kind === filter.kind) &&
          (filter.ma_co_so === undefined || d.ma_co_so === filter.ma_co_so) &&
          (filter.deleted === undefined || d.deleted === filter.deleted),
      )
      .map((d) => structuredClone(d));
  }

  clear(): void {
    this.docs.clear();
    this.sequences = { hoa_don: 0, phieu_nhap: 0, phieu_xuat: 0 };
    this.changed();
  }

  /** Writes the file now (on close, and for tests). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.persistFile) return;
    const state: PersistedState = {
      version: 1,
      sequences: this.sequences,
      documents: [...this.docs.values()],
    };
    const tmp = `${this.persistFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 1));
    renameSync(tmp, this.persistFile);
  }

  private changed(): void {
    if (!this.persistFile || this.flushTimer) return;
    // Debounced: at hundreds of documents a second, one write per document would be quadratic.
    this.flushTimer = setTimeout(() => this.flush(), this.persistDebounceMs);
    this.flushTimer.unref();
  }

  private load(file: string): void {
    const state = readStateFile(file);
    this.sequences = { ...this.sequences, ...state.sequences };
    for (const d of state.documents) this.docs.set(key(d.kind, d.ma_co_so, d.ma), d);
  }
}

function key(kind: DocumentKind, maCoSo: string, ma: string): string {
  return `${kind}\u0000${maCoSo}\u0000${ma}`;
}

/** Reads a state file the mock wrote: for a demo checker in another process. */
export function readStateFile(path: string): PersistedState {
  const state = JSON.parse(readFileSync(path, 'utf8')) as PersistedState;
  if (state.version !== 1 || !Array.isArray(state.documents)) {
    throw new Error(`${path} is not a national pharmacy mock state file (version 1)`);
  }
  return state;
}
