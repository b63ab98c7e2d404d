/**
 * Contract of the DynamoDB store, run against both local engines: dynalite (used by the local
 * stack) and DynamoDB Local (closest to the service). Every access pattern in architecture.md
 * ("Data") is exercised here, including the races the conditional writes exist for.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Engine, ensureTable } from '../../../infra/local/dynamo.ts';
import {
  DynamoStore,
  documentClient,
  dynamoClient,
  MAX_ITEM_BYTES,
  ReferenceDataTooLarge,
} from '../../../shared/adapters/dynamo-store.ts';
import { DUE_SHARDS, dueShard, referenceSnapshotKey } from '../../../shared/adapters/table.ts';
import { type IntakeKey, type ReferenceSnapshot, SNAPSHOT_KINDS } from '../../../shared/app/ports.ts';
import { type Case, type CaseStatus, currentDeadline, type Deadline, STATUSES } from '../../../shared/domain/case.ts';
import { CodeTaken, DomainError, VersionConflict } from '../../../shared/domain/errors.ts';
import { engines } from '../../support/engines.ts';

let seq = 0;
const nextCode = () => `QNG-26-T${String(++seq).padStart(5, '0')}`;

/** A valid case with Vietnamese text (NFC); override what a test cares about. */
function makeCase(over: Partial<Case> = {}): Case {
  return {
    code: nextCode(),
    channel: 'web',
    status: 'received',
    kind: 'phan_anh',
    priority: 'normal',
    title: 'Đường Quang Trung ngập úng sau mưa lớn'.normalize('NFC'),
    content: 'Nước ngập sâu 40 cm trước số nhà 125, xe máy chết máy; đề nghị nạo vét cống thoát nước.'.normalize('NFC'),
    submitter: {
      name: 'Nguyễn Thị Hằng'.normalize('NFC'),
      address: 'Phường Nghĩa Chánh, TP Quảng Ngãi',
      phone: '0912345678',
    },
    receivedAt: '2026-03-10T08:15:00.000+07:00',
    deadlines: [{ step: 'classify', dueAt: '2026-03-11T08:15:00.000+07:00' }],
    flags: [],
    duplicates: [],
    outbox: [],
    published: false,
    returnCount: 0,
    escalationLevel: 0,
    version: 1,
    history: [{ at: '2026-03-10T08:15:00.000+07:00', actor: 'citizen', action: 'submitted', public: true }],
    ...over,
  };
}

const STEP_OF: Partial<Record<CaseStatus, Deadline['step']>> = {
  received: 'classify',
  assigned: 'acknowledge',
  in_progress: 'handle',
};

/** Expect a promise to reject with a cursor validation error (422), not a crash. */
async function expectBadCursor(p: Promise<unknown>): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).kind).toBe('validation');
  expect((err as DomainError).fields?.[0]?.field).toBe('cursor');
}

describe.each(engines)('DynamoStore on $name', (engine) => {
  let server: Engine;
  let admin: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let store: DynamoStore;
  let tables = 0;

  /** A store on a table of its own, for patterns that read a whole index (listDue). */
  async function freshStore(): Promise<DynamoStore> {
    const name = `pakn-${++tables}`;
    await ensureTable(admin, name);
    return new DynamoStore(doc, name);
  }

  beforeAll(async () => {
    server = await engine.start();
    admin = dynamoClient({ endpoint: server.endpoint });
    doc = documentClient({ endpoint: server.endpoint });
    store = await freshStore();
  });

  afterAll(async () => {
    doc?.destroy();
    admin?.destroy();
    await server?.close();
  });

  it('creates and reads back a case unchanged, Vietnamese text intact (NFC), no table attributes', async () => {
    const c = makeCase({ agencyId: 'so-xay-dung', localityCode: '51' });
    await store.create(c);
    const got = await store.get(c.code);
    expect(got).toStrictEqual(c);
    expect(got?.title).toBe('Đường Quang Trung ngập úng sau mưa lớn'.normalize('NFC'));
    expect(got?.title.normalize('NFC')).toBe(got?.title);
    expect(got?.submitter.name).toBe('Nguyễn Thị Hằng'.normalize('NFC'));
    expect(await store.get('QNG-26-NOPE00')).toBeUndefined();
  });

  it('refuses a second case with the same code (CodeTaken) and keeps the first', async () => {
    const c = makeCase();
    await store.create(c);
    await expect(store.create({ ...c, title: 'Khác' })).rejects.toBeInstanceOf(CodeTaken);
    expect((await store.get(c.code))?.title).toBe(c.title);
  });

  it('saves on the right version and refuses a stale one without changing anything', async () => {
    const c = makeCase();
    await store.create(c);
    const v2: Case = {
      ...c,
      status: 'assigned',
      agencyId: 'so-giao-thong',
      deadlines: [
        { step: 'classify', dueAt: '2026-03-11T08:15:00.000+07:00', metAt: '2026-03-10T09:00:00.000+07:00' },
        { step: 'acknowledge', dueAt: '2026-03-12T09:00:00.000+07:00' },
      ],
      history: [...c.history, { at: '2026-03-10T09:00:00.000+07:00', actor: 'op-1', action: 'assigned' }],
      version: 2,
    };
    await store.save(v2);
    expect(await store.get(c.code)).toStrictEqual(v2);

    // A writer that still holds version 1 builds "version 2" again: refused.
    await expect(store.save({ ...c, title: 'ghi đè', version: 2 })).rejects.toBeInstanceOf(VersionConflict);
    // Skipping a version is refused too.
    await expect(store.save({ ...v2, title: 'nhảy cóc', version: 4 })).rejects.toBeInstanceOf(VersionConflict);
    expect(await store.get(c.code)).toStrictEqual(v2);
    // Saving a case that was never created is a conflict, not an upsert.
    await expect(store.save(makeCase({ version: 2 }))).rejects.toBeInstanceOf(VersionConflict);
  });

  it('20 concurrent writers on one case: one wins per version, retries lose nothing', async () => {
    const c = makeCase();
    await store.create(c);
    const writers = Array.from({ length: 20 }, (_, i) => `writer-${i}`);
    const committed = new Map<number, string>();
    const append = (cur: Case, w: string): Case => ({
      ...cur,
      version: cur.version + 1,
      history: [...cur.history, { at: '2026-03-10T10:00:00.000+07:00', actor: w, action: 'note_added', note: w }],
    });

    // Round 1: everybody read version 1 before anybody wrote.
    const read = (await store.get(c.code)) as Case;
    const first = await Promise.allSettled(writers.map((w) => store.save(append(read, w))));
    const winners = writers.filter((_, i) => first[i]?.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const r of first) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(VersionConflict);
    }
    committed.set(2, winners[0] as string);

    // The losers re-read and re-apply until their write lands.
    const losers = writers.filter((w) => !winners.includes(w));
    let conflicts = 0;
    await Promise.all(
      losers.map(async (w) => {
        for (;;) {
          const cur = (await store.get(c.code)) as Case;
          const next = append(cur, w);
          try {
            await store.save(next);
            expect(committed.has(next.version)).toBe(false);
            committed.set(next.version, w);
            return;
          } catch (err) {
            expect(err).toBeInstanceOf(VersionConflict);
            conflicts++;
          }
        }
      }),
    );

    const final = (await store.get(c.code)) as Case;
    expect(final.version).toBe(21);
    expect(final.history).toHaveLength(21);
    expect(new Set(final.history.slice(1).map((h) => h.actor))).toEqual(new Set(writers));
    // History order is commit order: the entry at position k was written by the winner of version k+1.
    expect([...committed.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    final.history.slice(1).forEach((h, k) => {
      expect(h.actor).toBe(committed.get(k + 2));
    });
    expect(conflicts).toBeGreaterThan(0);
  });

  it('the same intake key claimed 50 times at once: exactly one claim, everyone sees its pointer', async () => {
    const key = `IDEM#${crypto.randomUUID()}`;
    const claims: IntakeKey[] = Array.from({ length: 50 }, (_, i) => ({
      key,
      requestHash: 'a'.repeat(64),
      code: `QNG-26-C${String(i).padStart(5, '0')}`,
      receivedAt: '2026-03-10T08:15:00.000+07:00',
    }));
    const results = await Promise.all(claims.map((k) => store.claimIntakeKey(k)));
    const won = results.flatMap((r, i) => (r.claimed ? [claims[i] as IntakeKey] : []));
    expect(won).toHaveLength(1);
    const winner = won[0] as IntakeKey;
    for (const r of results) {
      if (!r.claimed) expect(r.existing).toEqual(winner);
    }
  });

  it('repoints an intake key from its collided code, idempotently, and refuses a stale repoint', async () => {
    const k: IntakeKey = {
      key: 'EXT#VPCP#H12.345-2026',
      requestHash: 'b'.repeat(64),
      code: 'QNG-26-AAAAAA',
      receivedAt: '2026-03-10T08:15:00.000+07:00',
    };
    expect(await store.claimIntakeKey(k)).toEqual({ claimed: true });
    await store.repointIntakeKey(k.key, 'QNG-26-AAAAAA', 'QNG-26-BBBBBB');
    await store.repointIntakeKey(k.key, 'QNG-26-AAAAAA', 'QNG-26-BBBBBB'); // retried: no-op
    expect(await store.claimIntakeKey({ ...k, code: 'QNG-26-CCCCCC' })).toEqual({
      claimed: false,
      existing: { ...k, code: 'QNG-26-BBBBBB' },
    });
    await expect(store.repointIntakeKey(k.key, 'QNG-26-AAAAAA', 'QNG-26-DDDDDD')).rejects.toBeInstanceOf(
      VersionConflict,
    );
    await expect(store.repointIntakeKey('IDEM#missing', 'X', 'Y')).rejects.toBeInstanceOf(VersionConflict);
  });

  it('listDue returns exactly the open cases due by `until`, across shards, earliest first', async () => {
    const due = await freshStore();
    const until = '2026-04-01T12:00:00.000+07:00';
    const base = Date.parse(until);
    const cases: Case[] = [];
    for (let i = 0; i < 60; i++) {
      const status = STATUSES[i % STATUSES.length] as CaseStatus;
      // Deadlines from 30 h before to 30 h after `until`; every 7th exactly at `until`.
      const at = i % 7 === 0 ? base : base + (i - 30) * 3_600_000 + (i % 3) * 60_000;
      const dueAt = `${new Date(at + 7 * 3_600_000).toISOString().slice(0, 23)}+07:00`;
      const step = STEP_OF[status] ?? 'handle';
      const deadlines: Deadline[] =
        i % 10 === 9
          ? [] // no clock running
          : i % 10 === 8
            ? [{ step, dueAt, metAt: dueAt }] // running step already met
            : [{ step, dueAt }];
      cases.push(makeCase({ status, deadlines, agencyId: i % 2 ? 'so-tai-nguyen' : undefined }));
    }
    // Stored in random order so index order cannot come from insertion order.
    await Promise.all([...cases].sort(() => Math.random() - 0.5).map((c) => due.create(c)));
    expect(new Set(cases.map((c) => dueShard(c.code))).size).toBe(DUE_SHARDS);

    const expected = (list: Case[], limit: number) =>
      list
        .flatMap((c) => {
          const d = currentDeadline(c);
          // The index projects the whole case: each entry carries it as stored.
          return d && Date.parse(d.dueAt) <= limit ? [{ code: c.code, dueAt: d.dueAt, indexed: c }] : [];
        })
        .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || (a.code < b.code ? -1 : 1));

    const got = await due.listDue(until);
    expect(got).toEqual(expected(cases, base));
    expect(got.length).toBeGreaterThan(10);
    // The bound may be given in another spelling of the same instant.
    expect(await due.listDue('2026-04-01T05:00:00Z')).toEqual(got);

    // Closing a case takes it out of the index; advancing it moves its deadline.
    const open = cases.filter((c) => currentDeadline(c) && Date.parse(currentDeadline(c)?.dueAt ?? '') <= base);
    const closed = open[0] as Case;
    const moved = open[1] as Case;
    await due.save({ ...closed, status: 'resolved', version: 2 });
    const later: Deadline = { step: 'handle', dueAt: '2026-05-01T17:00:00.000+07:00' };
    const movedV2: Case = { ...moved, status: 'in_progress', deadlines: [later], version: 2 };
    await due.save(movedV2);
    const after = await due.listDue(until);
    expect(after.map((e) => e.code)).not.toContain(closed.code);
    expect(after.map((e) => e.code)).not.toContain(moved.code);
    expect(after).toHaveLength(got.length - 2);
    expect((await due.listDue('2026-05-01T17:00:00.000+07:00')).find((e) => e.code === moved.code)).toEqual({
      code: moved.code,
      dueAt: later.dueAt,
      indexed: movedV2,
    });
  });

  it('listByAgency pages through a queue by status, earliest deadline first, no gaps or duplicates', async () => {
    const agency = `so-y-te-${engine.name.length}-${seq}`;
    const statuses: CaseStatus[] = ['assigned', 'in_progress', 'in_progress', 'resolved'];
    const cases = Array.from({ length: 22 }, (_, i) => {
      const status = statuses[i % statuses.length] as CaseStatus;
      const step = STEP_OF[status] ?? 'handle';
      const dueAt = `2026-03-${String(10 + ((i * 7) % 19)).padStart(2, '0')}T17:00:00.000+07:00`;
      return makeCase({ agencyId: agency, status, deadlines: i % 11 === 5 ? [] : [{ step, dueAt }] });
    });
    await Promise.all(cases.map((c) => store.create(c)));
    await store.create(makeCase({ agencyId: 'so-khac', status: 'in_progress' }));

    async function all(status?: CaseStatus): Promise<Case[]> {
      const out: Case[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listByAgency(agency, { status, cursor, limit: 4 });
        expect(page.items.length).toBeLessThanOrEqual(4);
        out.push(...page.items);
        cursor = page.cursor;
        pages++;
      } while (cursor && pages < 50);
      return out;
    }

    const inProgress = await all('in_progress');
    const want = cases.filter((c) => c.status === 'in_progress');
    expect(inProgress.map((c) => c.code).sort()).toEqual(want.map((c) => c.code).sort());
    expect(new Set(inProgress.map((c) => c.code)).size).toBe(inProgress.length);
    const dues = inProgress.map((c) => currentDeadline(c)?.dueAt ?? '~');
    expect(dues).toEqual([...dues].sort());
    expect(inProgress[0]).toStrictEqual(cases.find((c) => c.code === inProgress[0]?.code));

    const everything = await all();
    expect(everything.map((c) => c.code).sort()).toEqual(cases.map((c) => c.code).sort());

    // Reassigning a case to another agency removes it from this queue.
    const gone = want[0] as Case;
    await store.save({ ...gone, agencyId: 'so-khac', version: 2 });
    expect((await all('in_progress')).map((c) => c.code)).not.toContain(gone.code);
  });

  it('listReceived covers [from, to) across a month boundary (in +07:00), paged in order', async () => {
    // 2031-01-31T17:00Z is already February in Vietnam.
    const times = [
      '2031-01-30T23:59:59.999+07:00', // before `from`
      '2031-01-31T08:00:00.000+07:00', // == from
      '2031-01-31T12:00:00.000+07:00',
      '2031-01-31T22:30:00.000+07:00',
      '2031-01-31T23:59:59.999+07:00',
      '2031-02-01T00:00:00.000+07:00',
      '2031-02-01T06:00:00.000+07:00',
      '2031-02-01T06:00:00.000+07:00', // same instant, different code
      '2031-02-02T09:00:00.000+07:00',
      '2031-02-03T10:00:00.000+07:00', // == to: excluded
    ];
    const cases = times.map((receivedAt) => makeCase({ receivedAt }));
    await Promise.all(cases.map((c) => store.create(c)));
    const from = '2031-01-31T01:00:00.000Z';
    const to = '2031-02-03T03:00:00Z';
    const want = cases
      .slice(1, 9)
      .map((c) => c.code)
      .sort((a, b) => {
        const ca = cases.find((c) => c.code === a) as Case;
        const cb = cases.find((c) => c.code === b) as Case;
        return Date.parse(ca.receivedAt) - Date.parse(cb.receivedAt) || (a < b ? -1 : 1);
      });

    for (const limit of [1, 3, 4, 100]) {
      const got: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listReceived(from, to, { cursor, limit });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        got.push(...page.items.map((c) => c.code));
        cursor = page.cursor;
        pages++;
      } while (cursor && pages < 50);
      expect(got).toEqual(want);
    }
    expect((await store.listReceived(to, from)).items).toEqual([]);
  });

  it('a tampered or foreign cursor is a clear validation error', async () => {
    const agency = `so-cong-thuong-${seq}`;
    await Promise.all(
      Array.from({ length: 3 }, () => store.create(makeCase({ agencyId: agency, status: 'assigned' }))),
    );
    const page = await store.listByAgency(agency, { limit: 1 });
    const cursor = page.cursor as string;
    expect(cursor).toBeTypeOf('string');
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { k: Record<string, string> };
    const forged = (k: unknown) => Buffer.from(JSON.stringify({ ...decoded, k })).toString('base64url');

    await expectBadCursor(store.listByAgency(agency, { cursor: 'not a cursor!' }));
    await expectBadCursor(store.listByAgency(agency, { cursor: Buffer.from('{oops').toString('base64url') }));
    await expectBadCursor(store.listByAgency(agency, { cursor: `${cursor.slice(0, -3)}xyz` }));
    await expectBadCursor(store.listByAgency('so-khac', { cursor })); // another agency's queue
    await expectBadCursor(store.listByAgency(agency, { cursor: forged({ ...decoded.k, extra: 'x' }) }));
    await expectBadCursor(store.listByAgency(agency, { cursor: forged({ ...decoded.k, pk: 7 }) }));
    await expectBadCursor(
      store.listReceived('2031-01-01T00:00:00Z', '2031-03-01T00:00:00Z', { cursor }), // agency cursor
    );
    const period = Buffer.from(JSON.stringify({ q: 'period', m: '2040-01' })).toString('base64url');
    await expectBadCursor(store.listReceived('2031-01-01T00:00:00Z', '2031-03-01T00:00:00Z', { cursor: period }));
    // The genuine cursor still works.
    expect((await store.listByAgency(agency, { cursor, limit: 1 })).items).toHaveLength(1);
  });

  it('reference items: create, read, list, optimistic versions and a before/after change log', async () => {
    const at1 = '2026-03-01T08:00:00.000+07:00';
    const at2 = '2026-03-02T08:00:00.000+07:00';
    const v1 = { name: 'Sở Xây dựng', email: 'sxd@quangngai.gov.vn' };
    const v2 = { name: 'Sở Xây dựng tỉnh Quảng Ngãi', email: 'sxd@quangngai.gov.vn' };

    const created = await store.putReference('agencies', 'so-xay-dung', v1, 0, 'admin-1', at1);
    expect(created).toEqual({
      kind: 'agencies',
      id: 'so-xay-dung',
      value: v1,
      version: 1,
      changes: [{ at: at1, actor: 'admin-1', after: v1 }],
    });
    await expect(store.putReference('agencies', 'so-xay-dung', v2, 0, 'admin-2', at2)).rejects.toBeInstanceOf(
      VersionConflict,
    );
    const updated = await store.putReference('agencies', 'so-xay-dung', v2, 1, 'admin-2', at2);
    expect(updated.version).toBe(2);
    expect(updated.changes).toEqual([
      { at: at1, actor: 'admin-1', after: v1 },
      { at: at2, actor: 'admin-2', before: v1, after: v2 },
    ]);
    // A stale editor (still on version 1) is refused and changes nothing.
    await expect(
      store.putReference('agencies', 'so-xay-dung', { name: 'cũ' }, 1, 'admin-3', at2),
    ).rejects.toBeInstanceOf(VersionConflict);
    await expect(store.putReference('agencies', 'missing', v1, 3, 'admin-3', at2)).rejects.toBeInstanceOf(
      VersionConflict,
    );
    expect(await store.getReference('agencies', 'so-xay-dung')).toEqual(updated);
    expect(await store.getReference('agencies', 'missing')).toBeUndefined();

    // Two editors racing on the same version: exactly one wins.
    const race = await Promise.allSettled(
      ['admin-4', 'admin-5'].map((a) => store.putReference('agencies', 'so-xay-dung', { name: a }, 2, a, at2)),
    );
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);

    await store.putReference('agencies', 'so-giao-thong', { name: 'Sở Giao thông vận tải' }, 0, 'admin-1', at1);
    await store.putReference('categories', 'giao-thong', { name: 'Giao thông' }, 0, 'admin-1', at1);
    const list = await store.listReference<{ name: string }>('agencies');
    expect(list.map((r) => r.id)).toEqual(['so-giao-thong', 'so-xay-dung']);
    expect(list[1]?.version).toBe(3);
    expect(list[1]?.changes).toHaveLength(3);
    expect(await store.listReference('calendar')).toEqual([]);
  });

  /** What the items of the snapshot kinds say, in the snapshot's shape. */
  async function fromItems(s: DynamoStore): Promise<ReferenceSnapshot> {
    const lists = await Promise.all(SNAPSHOT_KINDS.map((k) => s.listReference(k)));
    return Object.fromEntries(
      SNAPSHOT_KINDS.map((k, i) => [k, (lists[i] ?? []).map(({ id, value, version }) => ({ id, value, version }))]),
    ) as ReferenceSnapshot;
  }

  /** The snapshot item as stored (`undefined` when there is none). */
  async function storedSnapshot(table: string): Promise<{ version: number; data: ReferenceSnapshot } | undefined> {
    const out = await doc.send(new GetCommand({ TableName: table, Key: referenceSnapshotKey(), ConsistentRead: true }));
    return out.Item ? { version: Number(out.Item.version), data: JSON.parse(String(out.Item.data)) } : undefined;
  }

  it('reference snapshot: every write of a kind referenceData loads keeps it equal to the items', async () => {
    const table = `pakn-${++tables}`;
    await ensureTable(admin, table);
    const ref = new DynamoStore(doc, table);
    const at = '2026-03-01T08:00:00.000+07:00';
    const writes: Array<() => Promise<unknown>> = [
      () => ref.putReference('agencies', 'SO-XD', { id: 'SO-XD', name: 'Sở Xây dựng' }, 0, 'admin', at),
      () => ref.putReference('agencies', 'SO-TC', { id: 'SO-TC', name: 'Sở Tài chính' }, 0, 'admin', at),
      () => ref.putReference('categories', 'dat-dai', { code: 'dat-dai', name: 'Đất đai' }, 0, 'admin', at),
      () => ref.putReference('localities', 'X001', { code: 'X001', name: 'Phường Cẩm Thành' }, 0, 'admin', at),
      () => ref.putReference('routing-rules', 'current', { rules: [], autoForwardThreshold: 0.7 }, 0, 'admin', at),
      () => ref.putReference('sla-policy', 'current', { classifyWorkingDays: 1 }, 0, 'admin', at),
      () => ref.putReference('calendar', '2027', { year: 2027, holidays: ['2027-01-01'] }, 0, 'admin', at),
      () => ref.putReference('agencies', 'SO-XD', { id: 'SO-XD', name: 'Sở Xây dựng tỉnh' }, 1, 'admin', at),
    ];
    let version = 0;
    for (const write of writes) {
      await write();
      const stored = await storedSnapshot(table);
      expect(stored?.version).toBe(++version);
      expect(stored?.data).toEqual(await fromItems(ref));
      expect(await ref.referenceSnapshot()).toEqual(stored?.data);
    }
    expect((await ref.referenceSnapshot()).agencies).toEqual([
      { id: 'SO-TC', value: { id: 'SO-TC', name: 'Sở Tài chính' }, version: 1 },
      { id: 'SO-XD', value: { id: 'SO-XD', name: 'Sở Xây dựng tỉnh' }, version: 2 },
    ]);
    // A refused write, and kinds referenceData does not load, leave it as it is.
    await expect(ref.putReference('agencies', 'SO-XD', { name: 'cũ' }, 1, 'admin', at)).rejects.toBeInstanceOf(
      VersionConflict,
    );
    await ref.putReference('job-runs', 'daily-summary#2026-03-02', { status: 'sent', at }, 0, 'system', at);
    await ref.putReference('escalation-ladder', 'current', { rungs: [] }, 0, 'admin', at);
    expect((await storedSnapshot(table))?.version).toBe(version);

    // Concurrent changes of different items: whichever rebuild lands last, every change is in it.
    await Promise.all(
      ['X002', 'X003', 'X004', 'X005'].map((code) =>
        ref.putReference('localities', code, { code, name: `Xã ${code}` }, 0, 'admin', at),
      ),
    );
    expect((await storedSnapshot(table))?.data).toEqual(await fromItems(ref));
    expect((await ref.referenceSnapshot()).localities.map((l) => l.id)).toEqual([
      'X001',
      'X002',
      'X003',
      'X004',
      'X005',
    ]);
  });

  it('reference snapshot: missing, incomplete or behind (older data), it is built again from the items', async () => {
    const table = `pakn-${++tables}`;
    await ensureTable(admin, table);
    const ref = new DynamoStore(doc, table);
    const at = '2026-03-01T08:00:00.000+07:00';
    await ref.putReference('agencies', 'SO-XD', { id: 'SO-XD', name: 'Sở Xây dựng' }, 0, 'admin', at);
    await ref.putReference('categories', 'dat-dai', { code: 'dat-dai', name: 'Đất đai' }, 0, 'admin', at);
    const expected = await fromItems(ref);

    // Missing (a table written before snapshots existed): the first read builds and stores it.
    await doc.send(new DeleteCommand({ TableName: table, Key: referenceSnapshotKey() }));
    expect(await ref.referenceSnapshot()).toEqual(expected);
    expect((await storedSnapshot(table))?.data).toEqual(expected);

    // Written by a version that knew fewer kinds: read as missing and replaced.
    const { calendar: _, ...older } = expected;
    const prev = (await storedSnapshot(table))?.version ?? 0;
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...referenceSnapshotKey(), version: prev + 1, data: JSON.stringify(older) },
      }),
    );
    expect(await ref.referenceSnapshot()).toEqual(expected);
    expect(await storedSnapshot(table)).toEqual({ version: prev + 2, data: expected });

    // Behind its items (a write cut short between the item and the snapshot): a rebuild, as
    // `npm run seed` does on every start of the local stack, catches up.
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...referenceSnapshotKey(), version: prev + 3, data: JSON.stringify({ ...expected, agencies: [] }) },
      }),
    );
    expect((await ref.referenceSnapshot()).agencies).toEqual([]);
    await ref.rebuildReferenceSnapshot();
    expect(await ref.referenceSnapshot()).toEqual(expected);
  });

  it('reference snapshot: a change it could not hold in one item is refused before anything is written', async () => {
    const table = `pakn-${++tables}`;
    await ensureTable(admin, table);
    const ref = new DynamoStore(doc, table);
    const at = '2026-03-01T08:00:00.000+07:00';
    // Each item fits (its value twice, with the change record, stays under 400 KB); three do not fit together.
    const big = (id: string) => ({ id, name: id, note: 'x'.repeat(140_000) });
    await ref.putReference('agencies', 'A1', big('A1'), 0, 'admin', at);
    await ref.putReference('agencies', 'A2', big('A2'), 0, 'admin', at);
    const err = await ref.putReference('agencies', 'A3', big('A3'), 0, 'admin', at).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReferenceDataTooLarge);
    expect((err as ReferenceDataTooLarge).bytes).toBeGreaterThan(MAX_ITEM_BYTES);
    expect((err as DomainError).kind).toBe('validation');
    expect(await ref.getReference('agencies', 'A3')).toBeUndefined();
    expect((await ref.referenceSnapshot()).agencies.map((a) => a.id)).toEqual(['A1', 'A2']);
    expect((await storedSnapshot(table))?.data).toEqual(await fromItems(ref));

    // Items written around it (a seed defers the snapshot to one rebuild): the rebuild fails loudly
    // and leaves no partial snapshot; readers then get every item, listed one by one.
    await ref.deferringSnapshot().putReference('agencies', 'A3', big('A3'), 0, 'seed', at);
    await expect(ref.rebuildReferenceSnapshot()).rejects.toBeInstanceOf(ReferenceDataTooLarge);
    const raw = await doc.send(new GetCommand({ TableName: table, Key: referenceSnapshotKey(), ConsistentRead: true }));
    expect(raw.Item?.data).toBeUndefined();
    expect(raw.Item?.tooLargeBytes).toBeGreaterThan(MAX_ITEM_BYTES);
    expect((await ref.referenceSnapshot()).agencies.map((a) => a.id)).toEqual(['A1', 'A2', 'A3']);
  });
});
