/**
 * CaseStore and ReferenceStore on the one DynamoDB table (layout in `table.ts`).
 *
 * Only single-item conditional writes, queries and gets: dynalite (the local engine) has no
 * transactions, streams or PartiQL, and the design needs none (architecture.md, "Data").
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  CaseStore,
  ContactMatch,
  DueEntry,
  IntakeKey,
  Page,
  ReferenceChange,
  ReferenceItem,
  ReferenceKind,
  ReferenceSnapshot,
  ReferenceStore,
  SnapshotKind,
} from '../app/ports.ts';
import { isSnapshotKind, listSnapshot, SNAPSHOT_KINDS } from '../app/ports.ts';
import type { Case, CaseStatus } from '../domain/case.ts';
import { CodeTaken, DomainError, VersionConflict, validationError } from '../domain/errors.ts';
import { log } from '../log.ts';
import {
  AGENCY_INDEX,
  AGENCY_PK,
  AGENCY_SK,
  agencyPartition,
  CONTACT_PROJECTED,
  caseKey,
  contactPartition,
  DUE_AT,
  DUE_INDEX,
  DUE_PK,
  DUE_SHARDS,
  DUE_SK,
  duePartition,
  EMAIL_INDEX,
  EMAIL_PK,
  EMAIL_SK,
  indexAttributes,
  intakeItemKey,
  nextMonth,
  OUTBOX_INDEX,
  OUTBOX_PARTITION,
  OUTBOX_PK,
  PERIOD_INDEX,
  PERIOD_PK,
  PERIOD_SK,
  PHONE_INDEX,
  PHONE_PK,
  PHONE_SK,
  PK,
  periodPartition,
  referenceKey,
  referencePartition,
  referenceSnapshotKey,
  SK,
  TABLE_ATTRIBUTES,
  vnInstant,
  vnMonth,
} from './table.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface ClientOptions {
  /** Local engine (dynalite / DynamoDB Local); omit in AWS. */
  endpoint?: string;
  region?: string;
  /** Attempts per call, including the first; the SDK's standard retry backs off on throttling and 5xx. */
  maxAttempts?: number;
  /** Custom HTTP handler (timeouts, keep-alive agent; tests inject faults with it). */
  requestHandler?: DynamoDBClientConfig['requestHandler'];
}

/** Local engines accept any key; a fixed one keeps every client in the same namespace. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const LOCAL_REGION = 'ap-southeast-1';

export function dynamoClient(opts: ClientOptions = {}): DynamoDBClient {
  const config: DynamoDBClientConfig = {};
  if (opts.endpoint) {
    config.endpoint = opts.endpoint;
    config.credentials = LOCAL_CREDENTIALS;
    config.region = opts.region ?? LOCAL_REGION;
  } else if (opts.region) {
    config.region = opts.region;
  }
  if (opts.maxAttempts !== undefined) config.maxAttempts = opts.maxAttempts;
  if (opts.requestHandler) config.requestHandler = opts.requestHandler;
  return new DynamoDBClient(config);
}

export function documentClient(opts: ClientOptions = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamoClient(opts), {
    // Optional Case fields are `undefined` when absent; class instances never belong in an item.
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

type Item = Record<string, unknown>;

export const isConditionFailure = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';

/** Runs a conditional write; a failed condition becomes the domain error, anything else propagates. */
/** Runs a conditional write; `false` when its condition failed, anything else propagates. */
export async function ifCondition(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

async function conditional<T>(write: () => Promise<T>, onConflict: () => Error): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isConditionFailure(err)) throw onConflict();
    throw err;
  }
}

function toCase(item: Item): Case {
  const c: Item = { ...item };
  for (const a of TABLE_ATTRIBUTES) delete c[a];
  return c as unknown as Case;
}

function caseItem(c: Case): Item {
  return { ...c, ...indexAttributes(c), ...caseKey(c.code) };
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw validationError([{ field: 'limit', message: 'Số bản ghi mỗi trang phải là số nguyên dương.' }]);
  }
  return Math.min(limit, MAX_PAGE_SIZE);
}

// --- cursors -------------------------------------------------------------------------------------
// A cursor is base64url JSON naming the query it belongs to, the month (period index) and DynamoDB's
// LastEvaluatedKey. It is checked against the query on decode, so a tampered or foreign cursor is a
// validation error (422), never a malformed request to DynamoDB or a read outside the asked range.

type Key = Record<string, string>;
interface AgencyCursor {
  q: 'agency';
  k: Key;
}
interface PeriodCursor {
  q: 'period';
  m: string;
  k?: Key;
}

const badCursor = () =>
  validationError([{ field: 'cursor', message: 'Con trỏ phân trang không hợp lệ; hãy tải lại từ trang đầu.' }]);

const encodeCursor = (c: AgencyCursor | PeriodCursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(cursor: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(cursor)) throw badCursor();
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through: not JSON
  }
  throw badCursor();
}

/** The key must hold exactly the table and index key attributes, all strings. */
function checkKey(k: unknown, names: readonly string[]): Key {
  if (typeof k !== 'object' || k === null || Array.isArray(k)) throw badCursor();
  const entries = Object.entries(k);
  if (entries.length !== names.length) throw badCursor();
  for (const [name, value] of entries) {
    if (!names.includes(name) || typeof value !== 'string' || value.length === 0) throw badCursor();
  }
  return k as Key;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class DynamoStore implements CaseStore, ReferenceStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** `deferred`: reference writes leave the snapshot alone (see {@link deferringSnapshot}). */
    private readonly snapshot: 'kept' | 'deferred' = 'kept',
  ) {}

  /**
   * The same store, whose reference writes leave the snapshot for one `rebuildReferenceSnapshot`
   * afterwards: for loading many items at once (`npm run seed`), not for serving requests.
   */
  deferringSnapshot(): DynamoStore {
    return new DynamoStore(this.doc, this.tableName, 'deferred');
  }

  // --- cases -------------------------------------------------------------------------------------

  async create(c: Case): Promise<void> {
    await conditional(
      () =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: caseItem(c),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        ),
      () => new CodeTaken(c.code),
    );
  }

  async get(code: string): Promise<Case | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: caseKey(code), ConsistentRead: true }),
    );
    return out.Item ? toCase(out.Item) : undefined;
  }

  async save(next: Case): Promise<void> {
    // A Put replaces the whole item, so index attributes that no longer apply simply disappear.
    await conditional(
      () =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: caseItem(next),
            ConditionExpression: '#v = :prev',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':prev': next.version - 1 },
          }),
        ),
      () => new VersionConflict(next.code),
    );
  }

  // --- intake pointers ---------------------------------------------------------------------------

  async claimIntakeKey(k: IntakeKey): Promise<{ claimed: true } | { claimed: false; existing: IntakeKey }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...intakeItemKey(k.key), requestHash: k.requestHash, code: k.code, receivedAt: k.receivedAt },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return { claimed: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    // Pointers are never deleted, so the one that beat us is there to read.
    const existing = await this.getIntakeKey(k.key);
    if (!existing) throw new Error(`intake key ${k.key} was claimed but cannot be read`);
    return { claimed: false, existing };
  }

  async repointIntakeKey(key: string, fromCode: string, toCode: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: intakeItemKey(key),
          UpdateExpression: 'SET #code = :to',
          ConditionExpression: '#code = :from',
          ExpressionAttributeNames: { '#code': 'code' },
          ExpressionAttributeValues: { ':from': fromCode, ':to': toCode },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // A retried repoint that already went through is fine; anything else means another writer moved it.
      const current = await this.getIntakeKey(key);
      if (current?.code !== toCode) throw new VersionConflict(fromCode);
    }
  }

  private async getIntakeKey(key: string): Promise<IntakeKey | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: intakeItemKey(key), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { requestHash, code, receivedAt } = out.Item as Record<string, string>;
    return { key, requestHash: requestHash ?? '', code: code ?? '', receivedAt: receivedAt ?? '' };
  }

  // --- lists -------------------------------------------------------------------------------------

  async listOwingMail(limit: number): Promise<string[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: OUTBOX_INDEX,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': OUTBOX_PK, '#code': 'code' },
        ExpressionAttributeValues: { ':pk': OUTBOX_PARTITION },
        ProjectionExpression: '#code',
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((it) => String(it.code));
  }

  async listDue(until: string): Promise<DueEntry[]> {
    // `<until>#\uffff` sorts after every `<until>#<code>`, so cases due exactly at `until` are included.
    const bound = `${vnInstant(until)}#\uffff`;
    const shards = await Promise.all(
      Array.from({ length: DUE_SHARDS }, async (_, shard) => {
        const rows: { key: string; entry: DueEntry }[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const out = await this.doc.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: DUE_INDEX,
              KeyConditionExpression: '#pk = :pk AND #sk <= :bound',
              ExpressionAttributeNames: { '#pk': DUE_PK, '#sk': DUE_SK },
              ExpressionAttributeValues: { ':pk': duePartition(shard), ':bound': bound },
              ExclusiveStartKey: start,
            }),
          );
          // The index projects the whole case (table.ts): the caller plans on it without a GetItem.
          for (const it of out.Items ?? []) {
            const entry = { code: String(it.code), dueAt: String(it[DUE_AT]), indexed: toCase(it) };
            rows.push({ key: String(it[DUE_SK]), entry });
          }
          start = out.LastEvaluatedKey;
        } while (start);
        return rows;
      }),
    );
    // Each shard is sorted by the canonical sort key; merging by the same key keeps time order
    // even when cases wrote their deadlines with different ISO spellings.
    return shards
      .flat()
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((r) => r.entry);
  }

  async listByAgency(
    agencyId: string,
    opts: { status?: CaseStatus; cursor?: string; limit?: number } = {},
  ): Promise<Page<Case>> {
    const limit = pageSize(opts.limit);
    const partition = agencyPartition(agencyId);
    const prefix = opts.status ? `${opts.status}#` : undefined;
    let start: Key | undefined;
    if (opts.cursor) {
      const c = decodeCursor(opts.cursor);
      if (c.q !== 'agency') throw badCursor();
      start = checkKey(c.k, [PK, SK, AGENCY_PK, AGENCY_SK]);
      if (start[AGENCY_PK] !== partition || (prefix && !start[AGENCY_SK]?.startsWith(prefix))) throw badCursor();
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: AGENCY_INDEX,
      KeyConditionExpression: prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
      ExpressionAttributeNames: prefix ? { '#pk': AGENCY_PK, '#sk': AGENCY_SK } : { '#pk': AGENCY_PK },
      ExpressionAttributeValues: prefix ? { ':pk': partition, ':prefix': prefix } : { ':pk': partition },
      Limit: limit,
      ExclusiveStartKey: start,
    };
    const out = await this.doc.send(new QueryCommand(input));
    const items = (out.Items ?? []).map(toCase);
    const last = out.LastEvaluatedKey as Key | undefined;
    return last ? { items, cursor: encodeCursor({ q: 'agency', k: last }) } : { items };
  }

  async listReceived(from: string, to: string, opts: { cursor?: string; limit?: number } = {}): Promise<Page<Case>> {
    const limit = pageSize(opts.limit);
    const lo = vnInstant(from);
    // Sort keys are `<receivedAt>#<code>`, so `<= <to>` (no suffix) excludes cases received exactly at `to`.
    const hi = vnInstant(to);
    if (lo >= hi) return { items: [] };
    const firstMonth = vnMonth(from);
    const lastMonth = vnInstant(new Date(Date.parse(to) - 1).toISOString()).slice(0, 7);

    let month = firstMonth;
    let start: Key | undefined;
    if (opts.cursor) {
      const c = decodeCursor(opts.cursor);
      if (c.q !== 'period' || typeof c.m !== 'string' || !MONTH.test(c.m)) throw badCursor();
      if (c.m < firstMonth || c.m > lastMonth) throw badCursor();
      month = c.m;
      if (c.k !== undefined) {
        start = checkKey(c.k, [PK, SK, PERIOD_PK, PERIOD_SK]);
        const sk = start[PERIOD_SK] ?? '';
        if (start[PERIOD_PK] !== periodPartition(month) || sk < lo || sk > hi) throw badCursor();
      }
    }

    const items: Case[] = [];
    for (;;) {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: PERIOD_INDEX,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#pk': PERIOD_PK, '#sk': PERIOD_SK },
          ExpressionAttributeValues: { ':pk': periodPartition(month), ':lo': lo, ':hi': hi },
          Limit: limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []).map(toCase));
      start = out.LastEvaluatedKey as Key | undefined;
      if (start) {
        if (items.length >= limit) return { items, cursor: encodeCursor({ q: 'period', m: month, k: start }) };
        continue;
      }
      if (month >= lastMonth) return { items };
      month = nextMonth(month);
      if (items.length >= limit) return { items, cursor: encodeCursor({ q: 'period', m: month }) };
    }
  }

  async listByContact(
    kind: 'phone' | 'email',
    hash: string,
    from: string,
    to: string,
    limit: number,
  ): Promise<ContactMatch[]> {
    const [index, pk, sk] = kind === 'phone' ? [PHONE_INDEX, PHONE_PK, PHONE_SK] : [EMAIL_INDEX, EMAIL_PK, EMAIL_SK];
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
        // `status` is a reserved word: every projected name goes through a placeholder.
        ExpressionAttributeNames: {
          '#pk': pk,
          '#sk': sk,
          ...Object.fromEntries(CONTACT_PROJECTED.map((a) => [`#${a}`, a])),
        },
        ExpressionAttributeValues: {
          ':pk': contactPartition(hash),
          ':lo': vnInstant(from),
          // `<to>#\uffff` sorts after every `<to>#<code>`: cases received exactly at `to` are in.
          ':hi': `${vnInstant(to)}#\uffff`,
        },
        ProjectionExpression: CONTACT_PROJECTED.map((a) => `#${a}`).join(', '),
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []) as ContactMatch[];
  }

  // --- reference data ----------------------------------------------------------------------------

  async listReference<T>(kind: ReferenceKind): Promise<ReferenceItem<T>[]> {
    const items: ReferenceItem<T>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':pk': referencePartition(kind) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const it of out.Items ?? []) items.push(toReference<T>(kind, it));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async getReference<T>(kind: ReferenceKind, id: string): Promise<ReferenceItem<T> | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: referenceKey(kind, id), ConsistentRead: true }),
    );
    return out.Item ? toReference<T>(kind, out.Item) : undefined;
  }

  async putReference<T>(
    kind: ReferenceKind,
    id: string,
    value: T,
    expectedVersion: number,
    actor: string,
    at: string,
  ): Promise<ReferenceItem<T>> {
    const conflict = () => new VersionConflict(`${kind}/${id}`);
    // `before` needs the stored value; the version condition below guarantees it is the one replaced.
    const current = expectedVersion === 0 ? undefined : await this.getReference<T>(kind, id);
    if (expectedVersion !== 0 && current?.version !== expectedVersion) throw conflict();
    // A change the snapshot could not hold is refused before anything is written.
    const keep = isSnapshotKind(kind) && this.snapshot === 'kept';
    if (keep) await this.checkSnapshotFits(kind, { id, value, version: expectedVersion + 1 });
    const change: ReferenceChange = current
      ? { at, actor, before: current.value, after: value }
      : { at, actor, after: value };
    const next: ReferenceItem<T> = {
      kind,
      id,
      value,
      version: expectedVersion + 1,
      changes: [...(current?.changes ?? []), change],
    };
    await conditional(
      () =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...referenceKey(kind, id), value, version: next.version, changes: next.changes },
            ...(expectedVersion === 0
              ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }
              : {
                  ConditionExpression: '#v = :v',
                  ExpressionAttributeNames: { '#v': 'version' },
                  ExpressionAttributeValues: { ':v': expectedVersion },
                }),
          }),
        ),
      conflict,
    );
    if (keep) await this.rebuildReferenceSnapshot();
    return next;
  }

  // --- reference snapshot ------------------------------------------------------------------------
  // One item holds every item of the kinds `referenceData` loads, so loading them is one read, not
  // one per agency, locality and calendar year. Each write of those kinds rebuilds it from the items
  // (conditional on its version, retried on a race); a table written before it existed gets it on
  // first read. A reference write that dies between its item and the snapshot leaves the snapshot one
  // change behind until the next rebuild: the next reference write, the daily summary's (once a
  // working day) or the local stack's seed on start.

  async referenceSnapshot(): Promise<ReferenceSnapshot> {
    const stored = await this.readSnapshot();
    if (stored?.data) return stored.data;
    const built = await this.buildSnapshot();
    try {
      // A reader that may not write (the GET-only functions) or loses the race still has what it built.
      await ifCondition(() => this.writeSnapshot(built, stored?.version ?? 0));
    } catch (err) {
      log(err instanceof ReferenceDataTooLarge ? 'error' : 'warn', 'reference snapshot not stored', {
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
    }
    return built;
  }

  /** Rebuild the snapshot from the items. Throws `ReferenceDataTooLarge` (and empties it) when they no longer fit. */
  async rebuildReferenceSnapshot(): Promise<void> {
    for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt++) {
      // The version is read before the items: a change whose item lands after our reads makes its own
      // rebuild, which either replaces ours or makes our conditional write fail, and we read again.
      const stored = await this.readSnapshot();
      const built = await this.buildSnapshot();
      const bytes = snapshotBytes(built);
      if (bytes > MAX_ITEM_BYTES) {
        // Never leave a snapshot that misses items: one without data makes readers list the items (and log why).
        if (stored) {
          await ifCondition(() =>
            this.doc.send(
              new PutCommand({
                TableName: this.tableName,
                Item: { ...referenceSnapshotKey(), version: stored.version + 1, tooLargeBytes: bytes },
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: { ':v': stored.version },
              }),
            ),
          );
        }
        throw new ReferenceDataTooLarge(bytes);
      }
      if (await ifCondition(() => this.writeSnapshot(built, stored?.version ?? 0))) return;
    }
    throw new Error(`reference snapshot: ${SNAPSHOT_ATTEMPTS} concurrent rebuilds in a row; send the change again`);
  }

  /** The stored snapshot; `data` is absent when it lacks a kind (an older version) or any data (too large). */
  private async readSnapshot(): Promise<{ version: number; data?: ReferenceSnapshot } | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: referenceSnapshotKey(), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    let data: Partial<ReferenceSnapshot> = {};
    try {
      if (typeof out.Item.data === 'string') data = JSON.parse(out.Item.data) as Partial<ReferenceSnapshot>;
    } catch {
      // Unreadable: treated as incomplete, so it is built again from the items.
    }
    const complete = SNAPSHOT_KINDS.every((k) => Array.isArray(data?.[k]));
    return { version: Number(out.Item.version), ...(complete ? { data: data as ReferenceSnapshot } : {}) };
  }

  private buildSnapshot(): Promise<ReferenceSnapshot> {
    return listSnapshot(this);
  }

  /** Create (`expectedVersion` 0) or replace the snapshot at that version; a failed condition propagates. */
  private async writeSnapshot(data: ReferenceSnapshot, expectedVersion: number): Promise<void> {
    const bytes = snapshotBytes(data);
    if (bytes > MAX_ITEM_BYTES) throw new ReferenceDataTooLarge(bytes);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...referenceSnapshotKey(), version: expectedVersion + 1, data: JSON.stringify(data) },
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }
          : {
              ConditionExpression: '#v = :v',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':v': expectedVersion },
            }),
      }),
    );
  }

  /** Would the snapshot still fit one item with this entry in it? Throws `ReferenceDataTooLarge` if not. */
  private async checkSnapshotFits(kind: SnapshotKind, entry: ReferenceSnapshot[SnapshotKind][number]): Promise<void> {
    const base = (await this.readSnapshot())?.data ?? (await this.buildSnapshot());
    const bytes = snapshotBytes({ ...base, [kind]: [...base[kind].filter((e) => e.id !== entry.id), entry] });
    if (bytes > MAX_ITEM_BYTES) throw new ReferenceDataTooLarge(bytes);
  }
}

/** DynamoDB's item size limit (400 KB, attribute names included). */
export const MAX_ITEM_BYTES = 400 * 1024;
const SNAPSHOT_ATTEMPTS = 5;

/** Size of the snapshot item: the JSON string plus its key, version and attribute names (generously). */
export const snapshotBytes = (data: ReferenceSnapshot): number => Buffer.byteLength(JSON.stringify(data)) + 100;

/** The reference data no longer fits the one item `referenceData` reads (422: the change is not made). */
export class ReferenceDataTooLarge extends DomainError {
  constructor(readonly bytes: number) {
    super(
      'validation',
      'reference_data_too_large',
      `Dữ liệu danh mục (cơ quan, lĩnh vực, địa bàn, quy tắc phân loại, chính sách thời hạn, lịch) sẽ chiếm ` +
        `${Math.ceil(bytes / 1024)} KB, vượt giới hạn ${MAX_ITEM_BYTES / 1024} KB của một bản ghi; ` +
        'hãy bớt các mục không còn dùng rồi thử lại.',
    );
    this.name = 'ReferenceDataTooLarge';
  }
}

function toReference<T>(kind: ReferenceKind, item: Item): ReferenceItem<T> {
  return {
    kind,
    id: String(item[SK]),
    value: item.value as T,
    version: Number(item.version),
    changes: (item.changes as ReferenceChange[] | undefined) ?? [],
  };
}
