/**
 * The scheduled `vpcp-sync` against the VPCP simulator, through the local stack: pulling new items,
 * the simulator's failure modes (timeouts, 5xx, malformed items), and results pushed back after a
 * case is resolved through the API, including refused pushes retried by a later run.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import { pushItem, receivedCases, sampleVpcpItem, simulator, syncState } from './support.ts';

let stack: TestStack;
let coordinator: string;
let sim: ReturnType<typeof simulator>;

beforeAll(async () => {
  // A short adapter timeout: the timeout fault costs this much, not the production 10 s.
  stack = await startTestStack({ vpcpTimeoutMs: 250 });
  coordinator = await stack.token('coordinator');
  sim = simulator(stack);
});
afterAll(() => stack?.close());

const RUN_AT = '2026-03-02T09:00:00+07:00';
let serial = 0;
/** A fresh national item; ngày gửi before the runs below. */
const nextItem = (overrides: Record<string, unknown> = {}) =>
  sampleVpcpItem({ maPakn: `VPCP-SYNC-${String(++serial).padStart(4, '0')}`, ...overrides });

const vpcpCases = async () =>
  (await receivedCases(stack, '2026-01-01T00:00:00+07:00', '2027-01-01T00:00:00+07:00')).filter(
    (c) => c.channel === 'vpcp',
  );

/** Every national item is exactly one case: nothing lost, nothing duplicated. */
async function expectEachOnce(maPakns: string[]) {
  const cases = await vpcpCases();
  for (const id of maPakns)
    expect(
      cases.filter((c) => c.externalId === id),
      id,
    ).toHaveLength(1);
}

describe('pulling from the national system', () => {
  beforeEach(async () => {
    await sim.reset();
  });

  it('registers new items with their id, payload and deadline from ngày gửi; a second run adds nothing', async () => {
    const items = [nextItem(), nextItem({ linhVuc: 'xay-dung' }), nextItem()];
    await sim.enqueue(items);
    const run = await stack.job('vpcp-sync', RUN_AT);
    expect(run.status).toBe(200);
    expect(run.json.pull).toMatchObject({ received: 3, replayed: 0, quarantined: [] });
    expect(run.json.pull.registered).toHaveLength(3);
    expect(run.json.pull.error).toBeUndefined();

    const c = await stack.store.get(run.json.pull.registered[0]);
    expect(c).toMatchObject({ channel: 'vpcp', externalId: items[0]?.maPakn, receivedAt: '2026-02-13T09:00:00+07:00' });
    expect(JSON.parse(c?.sourcePayload ?? '')).toEqual(items[0]);
    expect(c?.deadlines.find((d) => d.step === 'classify')?.dueAt).toBe('2026-02-27T17:00:00+07:00');

    const again = await stack.job('vpcp-sync', '2026-03-02T09:05:00+07:00');
    expect(again.json.pull).toMatchObject({ received: 0, registered: [] });
    await expectEachOnce(items.map((i) => i.maPakn));
  });

  it('an item pushed and also pulled is one case (replayed by the pull)', async () => {
    const item = nextItem();
    const pushed = await pushItem(stack, item);
    expect(pushed.status).toBe(201);
    await sim.enqueue([item]);
    const run = await stack.job('vpcp-sync', RUN_AT);
    expect(run.json.pull).toMatchObject({ received: 1, registered: [], replayed: 1 });
    await expectEachOnce([item.maPakn]);
  });

  it('a timeout loses nothing and doubles nothing: the next run takes the same items', async () => {
    const items = [nextItem(), nextItem()];
    await sim.enqueue(items);
    await sim.fault('timeout', 1, 'pull');
    const before = (await syncState().getCursor()).cursor;
    const failed = await stack.job('vpcp-sync', RUN_AT);
    expect(failed.status).toBe(200);
    expect(failed.json.pull.error).toMatch(/no answer within 250 ms/);
    expect(failed.json.pull.registered).toEqual([]);
    expect((await syncState().getCursor()).cursor).toBe(before);

    const retried = await stack.job('vpcp-sync', '2026-03-02T09:05:00+07:00');
    expect(retried.json.pull.registered).toHaveLength(2);
    expect(retried.json.pull.error).toBeUndefined();
    await expectEachOnce(items.map((i) => i.maPakn));
  });

  it('5xx twice in a row: two runs report it, the third registers everything once', async () => {
    const items = [nextItem(), nextItem(), nextItem()];
    await sim.enqueue(items);
    await sim.fault('5xx', 2, 'pull');
    for (const at of ['2026-03-02T09:00:00+07:00', '2026-03-02T09:05:00+07:00']) {
      const r = await stack.job('vpcp-sync', at);
      expect(r.json.pull.error).toMatch(/HTTP 503/);
      expect(r.json.pull.registered).toEqual([]);
    }
    const ok = await stack.job('vpcp-sync', '2026-03-02T09:10:00+07:00');
    expect(ok.json.pull.registered).toHaveLength(3);
    await expectEachOnce(items.map((i) => i.maPakn));
  });

  it('malformed items are set aside with their errors and reported; the rest go on', async () => {
    const good = [nextItem(), nextItem()];
    const bad = nextItem({ nguoiGui: { hoTen: 'Không rõ', diaChi: 'x' }, ngayGui: 'hôm qua' });
    // The simulator corrupts the first item it serves; the second is malformed as sent.
    const corrupted = nextItem();
    await sim.enqueue([corrupted, good[0], bad, good[1]]);
    await sim.fault('malformed', 1);
    const run = await stack.job('vpcp-sync', RUN_AT);
    expect(run.json.pull.error).toBeUndefined();
    expect(run.json.pull.registered).toHaveLength(2);
    const setAside = run.json.pull.quarantined as Array<{ maPakn: string; errors: Array<{ field: string }> }>;
    expect(setAside.map((q) => q.maPakn)).toEqual([corrupted.maPakn, bad.maPakn]);
    expect(setAside[1]?.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['nguoiGui.dienThoai', 'ngayGui']));
    await expectEachOnce(good.map((i) => i.maPakn));
    expect((await vpcpCases()).some((c) => c.externalId === bad.maPakn)).toBe(false);

    const stored = await syncState().listQuarantine();
    const entry = stored.find((q) => q.maPakn === bad.maPakn);
    expect(entry?.errors.length).toBeGreaterThan(0);
    expect(JSON.parse(entry?.raw ?? '')).toEqual(bad);
    // The cursor moved past them: the next run does not pull them again.
    const next = await stack.job('vpcp-sync', '2026-03-02T09:05:00+07:00');
    expect(next.json.pull).toMatchObject({ received: 0, quarantined: [] });
  });

  it('refuses a wrong job time and names unknown jobs', async () => {
    expect((await stack.job('vpcp-sync', 'không phải thời điểm')).status).toBe(422);
    expect((await stack.api('POST', '/dev/jobs/khong-co', { body: { time: RUN_AT } })).status).toBe(404);
  });
});

describe('pushing results back to the national system', () => {
  beforeEach(async () => {
    await sim.reset();
  });

  /** Register a national item, forward it if needed, and resolve it as the assigned agency. */
  async function resolvedVpcpCase(answer: string) {
    const item = nextItem({ ngayGui: new Date(Date.now() - 86_400_000).toISOString() });
    const r = await pushItem(stack, item);
    expect(r.status).toBe(201);
    let c = (await stack.api('GET', `/v1/cases/${r.json.code}`, { token: coordinator })).json;
    if (c.status === 'received') {
      const classified = await stack.api('POST', `/v1/cases/${c.code}/classify`, {
        token: coordinator,
        headers: { 'if-match': `"${c.version}"` },
        body: { kind: 'phan_anh', contentType: 'hanh_vi', categoryCode: 'xay-dung', agencyId: 'SO-XD' },
      });
      expect(classified.status).toBe(200);
      c = classified.json;
    }
    const officer = await stack.token('officer', c.agencyId);
    const accepted = await stack.api('POST', `/v1/cases/${c.code}/accept`, { token: officer, body: {} });
    expect(accepted.status).toBe(200);
    const resolved = await stack.api('POST', `/v1/cases/${c.code}/resolve`, {
      token: officer,
      body: { answer, publish: true },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.json.status).toBe('resolved');
    return { item, code: c.code as string, agencyId: c.agencyId as string };
  }

  /** Job times after the resolution, which happened on the wall clock. */
  const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

  it('pushes the result of a resolved case once, and shows it in the history', async () => {
    const { item, code, agencyId } = await resolvedVpcpCase('Đã khắc phục đoạn đường sạt lở.');
    const run = await stack.job('vpcp-sync', minutesFromNow(1));
    expect(run.json.push.accepted).toEqual([code]);
    const { results } = await sim.results();
    expect(results).toHaveLength(1);
    expect(results[0]?.result).toMatchObject({
      maPakn: item.maPakn,
      maTraCuu: code,
      trangThai: 'da_xu_ly',
      noiDungTraLoi: 'Đã khắc phục đoạn đường sạt lở.',
      donViXuLy: { ma: agencyId },
      congKhai: true,
    });
    const full = await stack.api('GET', `/v1/cases/${code}`, { token: coordinator });
    expect(full.json.vpcpPush).toMatchObject({ status: 'accepted', attempts: 1 });
    expect(full.json.history.map((h: { action: string }) => h.action)).toContain('vpcp_result_pushed');

    const again = await stack.job('vpcp-sync', minutesFromNow(10));
    expect(again.json.push).toMatchObject({ due: 0, accepted: [] });
    expect((await sim.results()).results).toHaveLength(1);
  });

  it('a refused push (5xx, then a timeout) is retried by later runs until accepted, each attempt in the history', async () => {
    const { item, code } = await resolvedVpcpCase('Đã sửa chữa xong.');
    await sim.fault('5xx', 1, 'push');
    const first = await stack.job('vpcp-sync', minutesFromNow(1));
    expect(first.json.push.accepted).toEqual([]);
    expect(first.json.push.failed).toEqual([{ code, error: expect.stringMatching(/HTTP 503/) }]);
    expect((await sim.results()).results).toEqual([]);

    // Before the backoff has passed, the run leaves it alone.
    expect((await stack.job('vpcp-sync', minutesFromNow(2))).json.push.due).toBe(0);

    await sim.fault('timeout', 1, 'push');
    const second = await stack.job('vpcp-sync', minutesFromNow(7));
    expect(second.json.push.failed).toEqual([{ code, error: expect.stringMatching(/no answer within/) }]);

    const third = await stack.job('vpcp-sync', minutesFromNow(60));
    expect(third.json.push.accepted).toEqual([code]);
    const { results, refusedPushes } = await sim.results();
    expect(results.map((r) => r.result.maPakn)).toEqual([item.maPakn]);
    expect(refusedPushes).toBe(2);

    const full = await stack.api('GET', `/v1/cases/${code}`, { token: coordinator });
    const actions = full.json.history.map((h: { action: string }) => h.action);
    expect(actions.filter((a: string) => a.startsWith('vpcp_'))).toEqual([
      'vpcp_push_failed',
      'vpcp_push_failed',
      'vpcp_result_pushed',
    ]);
    expect(full.json.vpcpPush).toMatchObject({ status: 'accepted', attempts: 3 });
  });
});
