/**
 * The vpcp-sync use case against in-memory ports: the cursor moves only past registered or
 * set-aside items, whatever fails and wherever; due pushes are claimed, pushed and recorded.
 * Intake itself is replaced by an idempotent stand-in (the real one is exercised through the stack).
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppDeps } from '../../../shared/app/context.ts';
import type { CaseStore, ReferenceStore } from '../../../shared/app/ports.ts';
import { pullVpcpItems, pushVpcpResults, syncVpcp } from '../../../shared/app/vpcp.ts';
import {
  type PullPage,
  type QuarantinedItem,
  type VpcpDeps,
  VpcpError,
  type VpcpResult,
  type VpcpSyncStore,
} from '../../../shared/app/vpcp-ports.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { DomainError, VersionConflict } from '../../../shared/domain/errors.ts';
import type { VpcpItem } from '../../../shared/domain/schemas.ts';

/** maPakn → code of the case registered for it, and how many cases were created per maPakn. */
const registry = new Map<string, { code: string; hash: string }>();
const created = new Map<string, number>();
let intakeFailure: (() => Error | undefined) | undefined;

vi.mock('../../../shared/app/channels.ts', () => ({
  receiveVpcpItem: async (_deps: unknown, item: VpcpItem, raw: string) => {
    const failure = intakeFailure?.();
    if (failure) throw failure;
    const known = registry.get(item.maPakn);
    if (known && known.hash !== raw) {
      throw new DomainError('validation', 'idempotency_key_reused', 'reused', [
        { field: 'Idempotency-Key', message: 'x' },
      ]);
    }
    if (known) return { case: { code: known.code }, replayed: true };
    const code = `QNG-26-${String(registry.size).padStart(6, 'A')}`;
    registry.set(item.maPakn, { code, hash: raw });
    created.set(item.maPakn, (created.get(item.maPakn) ?? 0) + 1);
    return { case: { code }, replayed: false };
  },
}));

const NOW = new Date('2026-03-02T09:00:00+07:00');

const validItem = (i: number) => ({
  maPakn: `VPCP-${i}`,
  tieuDe: `Phản ánh số ${i}`,
  noiDung: 'Đường liên xã bị sạt lở, đề nghị sửa chữa.',
  nguoiGui: { hoTen: 'Nguyễn Văn A', diaChi: 'Xã Sơn Hà', dienThoai: '0912345678' },
  ngayGui: '2026-03-01T08:00:00+07:00',
});
const malformedItem = (i: number) => ({ maPakn: `VPCP-${i}`, tieuDe: 'Thiếu nội dung', ngayGui: 'hôm qua' });

/** The national feed: items in order, served in pages after a numeric cursor. */
class FakeFeed {
  calls = 0;
  pushes: VpcpResult[] = [];
  pullFault: (() => Error | undefined) | undefined;
  pushFault: (() => Error | undefined) | undefined;
  constructor(
    readonly items: unknown[],
    readonly pageSize: number,
  ) {}
  async pullItems(since: string | undefined, _limit: number): Promise<PullPage> {
    this.calls++;
    const fault = this.pullFault?.();
    if (fault) throw fault;
    const from = since === undefined ? 0 : Number(since);
    const page = this.items.slice(from, from + this.pageSize);
    return {
      items: page.map((value) => ({ value, raw: JSON.stringify(value) })),
      cursor: String(from + page.length),
      hasMore: from + page.length < this.items.length,
    };
  }
  async pushResult(result: VpcpResult): Promise<void> {
    const fault = this.pushFault?.();
    if (fault) throw fault;
    this.pushes.push(result);
  }
}

class FakeSyncStore implements VpcpSyncStore {
  cursor: string | undefined;
  version = 0;
  quarantined = new Map<string, QuarantinedItem>();
  saveFault: (() => Error | undefined) | undefined;
  due: string[] = [];
  async getCursor() {
    return { ...(this.cursor !== undefined ? { cursor: this.cursor } : {}), version: this.version };
  }
  async saveCursor(cursor: string, expectedVersion: number) {
    const fault = this.saveFault?.();
    if (fault) throw fault;
    if (expectedVersion !== this.version) throw new VersionConflict('vpcp-cursor');
    this.cursor = cursor;
    this.version++;
  }
  async quarantine(item: Pick<QuarantinedItem, 'id' | 'maPakn' | 'raw' | 'errors'>, at: string) {
    const known = this.quarantined.get(item.id);
    this.quarantined.set(item.id, {
      ...item,
      firstSeenAt: known?.firstSeenAt ?? at,
      lastSeenAt: at,
      timesSeen: (known?.timesSeen ?? 0) + 1,
    });
  }
  async listQuarantine() {
    return [...this.quarantined.values()];
  }
  async listPushesDue() {
    return this.due;
  }
}

class FakeCases {
  cases = new Map<string, Case>();
  saveFault: ((c: Case) => Error | undefined) | undefined;
  async get(code: string) {
    return this.cases.get(code);
  }
  async save(next: Case) {
    const fault = this.saveFault?.(next);
    if (fault) throw fault;
    if (this.cases.get(next.code)?.version !== next.version - 1) throw new VersionConflict(next.code);
    this.cases.set(next.code, next);
  }
}

const reference: ReferenceStore = {
  listReference: async (kind) =>
    kind === 'agencies'
      ? [{ kind, id: 'SO-XD', value: { id: 'SO-XD', name: 'Sở Xây dựng' } as never, version: 1, changes: [] }]
      : [],
  getReference: async () => undefined,
  putReference: async () => {
    throw new Error('read only');
  },
};

function depsWith(feed: FakeFeed, state: FakeSyncStore, cases = new FakeCases()): VpcpDeps {
  return {
    cases: cases as unknown as CaseStore,
    reference,
    mailer: { send: async () => ({ messageId: 'x' }) },
    random: (n) => new Uint8Array(n),
    settings: { provinceCode: 'QNG', publicBaseUrl: 'http://x' },
    vpcp: feed,
    vpcpState: state,
  } satisfies AppDeps & Pick<VpcpDeps, 'vpcp' | 'vpcpState'>;
}

beforeEach(() => {
  registry.clear();
  created.clear();
  intakeFailure = undefined;
});

describe('pulling national items', () => {
  it('registers every page, then keeps the cursor at the end of the feed', async () => {
    const feed = new FakeFeed([1, 2, 3, 4, 5].map(validItem), 2);
    const state = new FakeSyncStore();
    const report = await pullVpcpItems(depsWith(feed, state), NOW);
    expect(report).toMatchObject({ pages: 3, received: 5, replayed: 0, quarantined: [], cursor: '5' });
    expect(report.registered).toHaveLength(5);
    expect(report.error).toBeUndefined();
    expect(state.cursor).toBe('5');
    const again = await pullVpcpItems(depsWith(feed, state), NOW);
    expect(again).toMatchObject({ received: 0, registered: [], cursor: '5' });
  });

  it('sets a malformed item aside with its errors and goes on with the rest', async () => {
    const feed = new FakeFeed([validItem(1), malformedItem(2), validItem(3)], 50);
    const state = new FakeSyncStore();
    const report = await pullVpcpItems(depsWith(feed, state), NOW);
    expect(report.registered).toHaveLength(2);
    expect(report.quarantined).toHaveLength(1);
    expect(report.quarantined[0]?.maPakn).toBe('VPCP-2');
    expect(report.quarantined[0]?.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['noiDung', 'ngayGui']));
    const [stored] = await state.listQuarantine();
    expect(JSON.parse(stored?.raw ?? '')).toEqual(malformedItem(2));
    expect(state.cursor).toBe('3');
  });

  it('sets aside an item sent in the future and the same mã PAKN with other content', async () => {
    const future = { ...validItem(1), ngayGui: '2026-03-09T08:00:00+07:00' };
    const changed = { ...validItem(2), tieuDe: 'Đã sửa tiêu đề' };
    const feed = new FakeFeed([future, validItem(2), changed], 50);
    const report = await pullVpcpItems(depsWith(feed, new FakeSyncStore()), NOW);
    expect(report.registered).toHaveLength(1);
    expect(report.quarantined.map((q) => [q.maPakn, q.errors[0]?.field])).toEqual([
      ['VPCP-1', 'ngayGui'],
      ['VPCP-2', 'maPakn'],
    ]);
  });

  it('a failed pull or a failing store keeps the cursor before the page; the next run loses nothing', async () => {
    const feed = new FakeFeed([1, 2, 3, 4].map(validItem), 2);
    const state = new FakeSyncStore();
    feed.pullFault = () => (feed.calls === 2 ? new VpcpError('VPCP GET /pakn: HTTP 503', true, 503) : undefined);
    const first = await pullVpcpItems(depsWith(feed, state), NOW);
    expect(first).toMatchObject({ cursor: '2', error: 'VPCP GET /pakn: HTTP 503' });
    let n = 0;
    intakeFailure = () => (++n === 2 ? new Error('ProvisionedThroughputExceededException') : undefined);
    const second = await pullVpcpItems(depsWith(feed, state), NOW);
    expect(second.error).toContain('ProvisionedThroughputExceeded');
    expect(state.cursor).toBe('2');
    const third = await pullVpcpItems(depsWith(feed, state), NOW);
    expect(third).toMatchObject({ replayed: 1, cursor: '4' });
    expect([...created.values()]).toEqual([1, 1, 1, 1]);
  });

  it('stops when another run moved the cursor, rather than moving it back', async () => {
    const feed = new FakeFeed([1, 2].map(validItem), 1);
    const state = new FakeSyncStore();
    state.saveFault = () => new VersionConflict('vpcp-cursor');
    const report = await pullVpcpItems(depsWith(feed, state), NOW);
    expect(report.error).toMatch(/another sync run/);
    expect(report.pages).toBe(1);
  });

  it('property: under any schedule of failures, runs until quiet register each valid item once and set aside each malformed one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.constantFrom('ok', 'pull', 'intake', 'cursor', 'quarantine'), { maxLength: 60 }),
        async (validity, pageSize, schedule) => {
          registry.clear();
          created.clear();
          const items = validity.map((ok, i) => (ok ? validItem(i) : malformedItem(i)));
          const feed = new FakeFeed(items, pageSize);
          const state = new FakeSyncStore();
          let step = 0;
          // Each port call takes the next event of the schedule; a matching one makes it fail.
          const fails = (what: string) => () => (schedule[step++] === what ? new Error(`${what} down`) : undefined);
          feed.pullFault = fails('pull');
          intakeFailure = fails('intake');
          state.saveFault = fails('cursor');
          const quarantine = state.quarantine.bind(state);
          const quarantineFault = fails('quarantine');
          state.quarantine = async (item, at) => {
            const f = quarantineFault();
            if (f) throw f;
            return quarantine(item, at);
          };
          for (let run = 0; run < 200; run++) {
            const r = await pullVpcpItems(depsWith(feed, state), NOW);
            if (!r.error && state.cursor === String(items.length)) break;
          }
          expect(state.cursor).toBe(String(items.length));
          const valid = validity.flatMap((ok, i) => (ok ? [`VPCP-${i}`] : []));
          expect([...created.keys()].sort()).toEqual(valid.sort());
          expect([...created.values()].every((n) => n === 1)).toBe(true);
          const setAside = [...state.quarantined.values()].map((q) => q.maPakn).sort();
          expect(setAside).toEqual(validity.flatMap((ok, i) => (ok ? [] : [`VPCP-${i}`])).sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});

const resolvedCase = (code: string, externalId: string): Case => ({
  code,
  channel: 'vpcp',
  externalId,
  status: 'resolved',
  kind: 'phan_anh',
  priority: 'normal',
  title: 'Đường sạt lở',
  content: 'Đường liên xã bị sạt lở.',
  submitter: { name: 'Nguyễn Văn A', address: 'Xã Sơn Hà', phone: '0912345678' },
  receivedAt: '2026-03-01T08:00:00+07:00',
  deadlines: [],
  flags: [],
  duplicates: [],
  outbox: [],
  agencyId: 'SO-XD',
  published: true,
  returnCount: 0,
  escalationLevel: 0,
  answer: { text: 'Đã khắc phục.', at: '2026-03-02T08:00:00+07:00', by: 'officer' },
  version: 5,
  history: [],
});

describe('pushing results back', () => {
  it('pushes each due result once, records it in the history and pushes nothing twice', async () => {
    const feed = new FakeFeed([], 1);
    const state = new FakeSyncStore();
    const cases = new FakeCases();
    cases.cases.set('QNG-26-AAAAAA', resolvedCase('QNG-26-AAAAAA', 'VPCP-1'));
    state.due = ['QNG-26-AAAAAA'];
    const report = await pushVpcpResults(depsWith(feed, state, cases), NOW);
    expect(report).toEqual({ due: 1, accepted: ['QNG-26-AAAAAA'], failed: [] });
    expect(feed.pushes).toEqual([
      {
        maPakn: 'VPCP-1',
        maTraCuu: 'QNG-26-AAAAAA',
        trangThai: 'da_xu_ly',
        noiDungTraLoi: 'Đã khắc phục.',
        ngayTraLoi: '2026-03-02T08:00:00+07:00',
        donViXuLy: { ma: 'SO-XD', ten: 'Sở Xây dựng' },
        congKhai: true,
      },
    ]);
    const c = cases.cases.get('QNG-26-AAAAAA');
    expect(c?.vpcpPush?.status).toBe('accepted');
    expect(c?.history.map((h) => h.action)).toEqual(['vpcp_result_pushed']);
    // The index would no longer list it; even if a stale listing does, it is not pushed again.
    expect((await pushVpcpResults(depsWith(feed, state, cases), NOW)).accepted).toEqual([]);
    expect(feed.pushes).toHaveLength(1);
  });

  it('a national system that is down ends the batch; a refusal of one result does not', async () => {
    const feed = new FakeFeed([], 1);
    const state = new FakeSyncStore();
    const cases = new FakeCases();
    for (const i of [1, 2, 3]) cases.cases.set(`QNG-26-AAAAA${i}`, resolvedCase(`QNG-26-AAAAA${i}`, `VPCP-${i}`));
    state.due = ['QNG-26-AAAAA1', 'QNG-26-AAAAA2', 'QNG-26-AAAAA3'];
    let n = 0;
    feed.pushFault = () =>
      ++n === 1
        ? new VpcpError('VPCP POST /ket-qua: refused with HTTP 422', false, 422)
        : n === 2
          ? new VpcpError('VPCP POST /ket-qua: HTTP 503', true, 503)
          : undefined;
    const report = await pushVpcpResults(depsWith(feed, state, cases), NOW);
    expect(report.failed.map((f) => f.code)).toEqual(['QNG-26-AAAAA1', 'QNG-26-AAAAA2']);
    expect(report.accepted).toEqual([]);
    expect(cases.cases.get('QNG-26-AAAAA3')?.vpcpPush).toBeUndefined();
    const failed = cases.cases.get('QNG-26-AAAAA2');
    expect(failed?.vpcpPush).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'VPCP POST /ket-qua: HTTP 503',
    });
    expect(failed?.history.at(-1)?.action).toBe('vpcp_push_failed');
    // Not due again before its backoff; due after it, and then accepted.
    expect((await pushVpcpResults(depsWith(feed, state, cases), NOW)).accepted).toEqual(['QNG-26-AAAAA3']);
    const later = new Date(NOW.getTime() + 3_600_000);
    const retry = await pushVpcpResults(depsWith(feed, state, cases), later);
    expect(retry.accepted).toEqual(['QNG-26-AAAAA1', 'QNG-26-AAAAA2']);
    expect(cases.cases.get('QNG-26-AAAAA2')?.history.map((h) => h.action)).toEqual([
      'vpcp_push_failed',
      'vpcp_result_pushed',
    ]);
  });

  it('skips a case another run claimed first', async () => {
    const feed = new FakeFeed([], 1);
    const state = new FakeSyncStore();
    const cases = new FakeCases();
    cases.cases.set('QNG-26-AAAAAA', resolvedCase('QNG-26-AAAAAA', 'VPCP-1'));
    state.due = ['QNG-26-AAAAAA'];
    cases.saveFault = () => new VersionConflict('QNG-26-AAAAAA');
    expect(await pushVpcpResults(depsWith(feed, state, cases), NOW)).toEqual({ due: 1, accepted: [], failed: [] });
    expect(feed.pushes).toEqual([]);
  });

  it('a failing store ends the pushes with the error in the report, not a thrown run', async () => {
    const feed = new FakeFeed([], 1);
    const state = new FakeSyncStore();
    const cases = new FakeCases();
    cases.cases.set('QNG-26-AAAAAA', resolvedCase('QNG-26-AAAAAA', 'VPCP-1'));
    state.due = ['QNG-26-AAAAAA'];
    cases.saveFault = () => new Error('InternalServerError');
    const report = await pushVpcpResults(depsWith(feed, state, cases), NOW);
    expect(report).toEqual({ due: 1, accepted: [], failed: [], error: 'InternalServerError' });
    expect(feed.pushes).toEqual([]);
  });

  it('a whole run reports both halves', async () => {
    const feed = new FakeFeed([validItem(1)], 5);
    const report = await syncVpcp(depsWith(feed, new FakeSyncStore()), NOW);
    expect(report.at).toBe('2026-03-02T09:00:00+07:00');
    expect(report.pull.registered).toHaveLength(1);
    expect(report.push).toEqual({ due: 0, accepted: [], failed: [] });
  });
});
