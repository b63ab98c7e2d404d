/**
 * Ports: what the use cases need from the outside world. Adapters in `shared/adapters/` implement
 * them for DynamoDB and SES; tests may use the same adapters against dynalite / DynamoDB Local.
 */
import type { Case, CaseStatus } from '../domain/case.ts';

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  cursor?: string;
}

/** Pointer written before a case is created, so a retried intake finds the same case. */
export interface IntakeKey {
  /** `IDEM#<Idempotency-Key>` or `EXT#VPCP#<mã PAKN>`. */
  key: string;
  /** SHA-256 of the normalised request: the same key with another body is refused. */
  requestHash: string;
  code: string;
  receivedAt: string;
}

export interface DueEntry {
  code: string;
  /** Deadline of the running step (ISO, +07:00). */
  dueAt: string;
  /**
   * The case as the due index holds it, when the store's index carries whole cases. The index follows
   * the table with a short delay: plan on it, but write conditionally on its version, which fails
   * (`VersionConflict`) when the copy was stale.
   */
  indexed?: Case;
}

/** The case a due entry names, for reading: the index's copy when it carries one, else the table's. */
export const dueCase = (cases: Pick<CaseStore, 'get'>, e: DueEntry): Promise<Case | undefined> =>
  e.indexed ? Promise.resolve(e.indexed) : cases.get(e.code);

export interface CaseStore {
  /** Store a new case (version 1). Throws `CodeTaken` when the code exists. */
  create(c: Case): Promise<void>;
  get(code: string): Promise<Case | undefined>;
  /**
   * Replace the case if the stored version is `next.version - 1`, else throw `VersionConflict`.
   * The change and its history entries are one conditional write.
   */
  save(next: Case): Promise<void>;
  /** Write the pointer if absent; otherwise return the one already there. */
  claimIntakeKey(k: IntakeKey): Promise<{ claimed: true } | { claimed: false; existing: IntakeKey }>;
  /** Move a pointer to another code (only after its first code collided with another case). */
  repointIntakeKey(key: string, fromCode: string, toCode: string): Promise<void>;
  /** Cases owing a per-case mail not yet sent (oldest first), for the retry job; at most `limit`. */
  listOwingMail(limit: number): Promise<string[]>;
  /** Open cases whose running step is due at or before `until`, earliest first (sparse due index). */
  listDue(until: string): Promise<DueEntry[]>;
  /** An agency's queue, optionally one status, earliest deadline first. */
  listByAgency(agencyId: string, opts?: { status?: CaseStatus; cursor?: string; limit?: number }): Promise<Page<Case>>;
  /** Cases received in [from, to) (ISO instants), by the period index, oldest first. */
  listReceived(from: string, to: string, opts?: { cursor?: string; limit?: number }): Promise<Page<Case>>;
  /**
   * Cases whose sender gave this phone or email (by its hash, see `domain/duplicates.ts`), received in
   * [from, to], newest first, at most `limit`: the sparse contact indexes, never a scan. Optional:
   * a store without contact indexes (an in-memory test store) simply yields no duplicate candidates.
   */
  listByContact?(
    kind: 'phone' | 'email',
    hash: string,
    from: string,
    to: string,
    limit: number,
  ): Promise<ContactMatch[]>;
}

/** What the contact indexes project: enough to compare texts without reading the case. */
export type ContactMatch = Pick<Case, 'code' | 'title' | 'content' | 'receivedAt' | 'status'>;

export const REFERENCE_KINDS = [
  'agencies',
  'categories',
  'localities',
  'routing-rules',
  'sla-policy',
  'calendar',
  /** `current`: the escalation ladder (`shared/sla/ladder.ts`). */
  'escalation-ladder',
  /** Once-a-day jobs claim their run here (`daily-summary#<date>`), so a retry never sends twice. */
  'job-runs',
] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** The kinds `referenceData` loads: a store may keep their items together in one snapshot. */
export const SNAPSHOT_KINDS = [
  'agencies',
  'categories',
  'localities',
  'routing-rules',
  'sla-policy',
  'calendar',
] as const satisfies readonly ReferenceKind[];
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];
export const isSnapshotKind = (kind: ReferenceKind): kind is SnapshotKind =>
  (SNAPSHOT_KINDS as readonly string[]).includes(kind);

/** Every item of the snapshot kinds, in `listReference` order, without change records. */
export type ReferenceSnapshot = Record<SnapshotKind, Array<{ id: string; value: unknown; version: number }>>;

/** The snapshot read item by item: one list per kind (a store without a snapshot, or rebuilding one). */
export async function listSnapshot(store: Pick<ReferenceStore, 'listReference'>): Promise<ReferenceSnapshot> {
  const lists = await Promise.all(SNAPSHOT_KINDS.map((k) => store.listReference(k)));
  return Object.fromEntries(
    SNAPSHOT_KINDS.map((k, i) => [k, (lists[i] ?? []).map(({ id, value, version }) => ({ id, value, version }))]),
  ) as ReferenceSnapshot;
}

export interface ReferenceChange {
  at: string;
  actor: string;
  before?: unknown;
  after: unknown;
}

export interface ReferenceItem<T> {
  kind: ReferenceKind;
  id: string;
  value: T;
  version: number;
  changes: ReferenceChange[];
}

/** Directory, categories, rules, policies and calendar overrides, as versioned items. */
export interface ReferenceStore {
  listReference<T>(kind: ReferenceKind): Promise<ReferenceItem<T>[]>;
  /**
   * Every item of {@link SNAPSHOT_KINDS} in one read. Optional: without it, `referenceData` lists
   * each kind. A store that has it keeps the snapshot current on every `putReference` of those kinds.
   */
  referenceSnapshot?(): Promise<ReferenceSnapshot>;
  /** Build the snapshot again from the items (a store that keeps one). */
  rebuildReferenceSnapshot?(): Promise<void>;
  getReference<T>(kind: ReferenceKind, id: string): Promise<ReferenceItem<T> | undefined>;
  /**
   * Create (`expectedVersion` 0) or replace (the stored version must equal `expectedVersion`) and
   * record who changed what, before and after, in the same write. Throws `VersionConflict`.
   */
  putReference<T>(
    kind: ReferenceKind,
    id: string,
    value: T,
    expectedVersion: number,
    actor: string,
    at: string,
  ): Promise<ReferenceItem<T>>;
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: Mail): Promise<{ messageId: string }>;
}

/** What the store keeps beside an object's bytes. */
export interface StoredObject {
  size: number;
  contentType: string;
  /** Lower-case keys, US-ASCII values (S3 user metadata); text is percent-encoded. */
  metadata: Record<string, string>;
}

/**
 * Private, encrypted object storage for attachments: S3 on AWS, a directory locally. Keys are
 * `<prefix>/<id>`; the prefixes (`quarantine/`, `clean/`, `attached/`, `rejected/`) are what IAM
 * grants and lifecycle rules apply to.
 */
export interface FileStore {
  /**
   * A slot the browser fills with one form POST (`fields` + the file, to `url`): only this key,
   * exactly `size` bytes, only `contentType`, with `metadata`, until `expiresAt`.
   */
  presignUpload(slot: {
    key: string;
    contentType: string;
    size: number;
    metadata: Record<string, string>;
    expiresAt: Date;
    now: Date;
  }): Promise<{ url: string; fields: Record<string, string> }>;
  head(key: string): Promise<StoredObject | undefined>;
  get(key: string): Promise<(StoredObject & { bytes: Uint8Array }) | undefined>;
  put(key: string, bytes: Uint8Array, info: { contentType: string; metadata: Record<string, string> }): Promise<void>;
  /** Copy the bytes under another key, with the type and metadata given. */
  copy(from: string, to: string, info: { contentType: string; metadata: Record<string, string> }): Promise<void>;
  /** Absent keys are not an error. */
  delete(key: string): Promise<void>;
  /** A link anyone holding it may GET until `expiresAt`, served as an attachment named `fileName`. */
  presignDownload(
    key: string,
    link: { fileName: string; contentType: string; expiresAt: Date; now: Date },
  ): Promise<string>;
}

/** Counts requests per client in one-minute windows shared by every container. */
export interface RateLimiter {
  /** Count one request; `false` (and nothing counted) when the client's current minute holds `limit`. */
  allow(scope: string, client: string, now: Date, limit: number): Promise<boolean>;
}
