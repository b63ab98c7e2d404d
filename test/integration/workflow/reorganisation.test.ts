/**
 * A reorganisation is a data change (`PUT /v1/admin/agencies/{id}`): when an agency stops being in
 * force, its open cases go to its successor with a history entry saying why; closed cases keep the
 * agency they had, for the reports; new cases route to the successor. Every change is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import { act, full, lastEntry, must, submit, tokens } from './support.ts';

let stack: TestStack;
let token: ReturnType<typeof tokens>;
let admin: string;
let coordinator: string;

/** Today in Vietnam: an agency with `validTo` today is no longer in force. */
const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

const SO_XD = {
  name: 'Sở Xây dựng',
  level: 'province',
  headEmail: 'giamdoc.sxd@quangngai.example',
  focalEmail: 'pakn.sxd@quangngai.example',
  predecessors: ['SO-GTVT-2025'],
};
const SUCCESSOR = {
  name: 'Sở Xây dựng và Giao thông',
  level: 'province',
  headEmail: 'giamdoc.sxdgt@quangngai.example',
  focalEmail: 'pakn.sxdgt@quangngai.example',
  predecessors: ['SO-XD'],
};

const putAgency = (id: string, body: unknown, ifMatch?: number) =>
  stack.api('PUT', `/v1/admin/agencies/${id}`, {
    token: admin,
    body,
    ...(ifMatch !== undefined ? { headers: { 'if-match': `"${ifMatch}"` } } : {}),
  });

beforeAll(async () => {
  stack = await startTestStack();
  token = tokens(stack);
  admin = await token('admin');
  coordinator = await token('coordinator');
});
afterAll(() => stack?.close());

describe('directory entries', () => {
  it('validates an entry: successors must exist, a commune needs its locality, the path names the id', async () => {
    const unknown = await putAgency('SO-MOI', { ...SUCCESSOR, successors: ['SO-KHONG-CO'] });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.fields).toContainEqual(expect.objectContaining({ field: 'successors.0' }));
    const commune = await putAgency('XA-X999', { name: 'UBND xã Mới', level: 'commune' });
    expect(commune.status).toBe(422);
    expect(commune.json.error.fields[0].field).toBe('locality');
    const mismatch = await putAgency('SO-MOI', { ...SUCCESSOR, id: 'SO-KHAC' });
    expect(mismatch.status).toBe(422);
    const dates = await putAgency('SO-MOI', { ...SUCCESSOR, validFrom: '2026-05-01', validTo: '2026-04-01' });
    expect(dates.status).toBe(422);
    const extra = await putAgency('SO-MOI', { ...SUCCESSOR, truongPhong: 'x' });
    expect(extra.status).toBe(422);
  });
});

describe('merging SO-XD into a new department', () => {
  const open: { assigned?: string; inProgress?: string; resolved?: string } = {};
  let response: any;

  beforeAll(async () => {
    const sxd = await token('officer', 'SO-XD');
    open.assigned = (await submit(stack, { categoryCode: 'giao-thong' })).code;
    open.inProgress = (await submit(stack, { categoryCode: 'giao-thong' })).code;
    await must(stack, sxd, open.inProgress, 'accept');
    await must(stack, sxd, open.inProgress, 'extension', { workingDays: 3, reason: 'Cần khảo sát hiện trường.' });
    open.resolved = (await submit(stack, { categoryCode: 'giao-thong' })).code;
    await must(stack, sxd, open.resolved, 'accept');
    await must(stack, sxd, open.resolved, 'resolve', { answer: 'Đã sửa chữa mặt đường.', publish: true });

    const created = await putAgency('SO-XDGT', SUCCESSOR, 0);
    expect(created.status, created.text).toBe(200);
    expect(created.json).toMatchObject({ id: 'SO-XDGT', version: 1, transferred: [] });
  });

  it('records who changed the entry, when, before and after, and honours If-Match', async () => {
    const stale = await putAgency('SO-XD', { ...SO_XD, validTo: today(), successors: ['SO-XDGT'] }, 7);
    expect(stale.status).toBe(412);
    response = await putAgency('SO-XD', { ...SO_XD, validTo: today(), successors: ['SO-XDGT'] }, 1);
    expect(response.status, response.text).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    const change = response.json.changes.at(-1);
    expect(change.actor).toBe('local-admin');
    expect(change.before).not.toHaveProperty('validTo');
    expect(change.after).toMatchObject({ id: 'SO-XD', validTo: today(), successors: ['SO-XDGT'] });
    expect(Date.parse(change.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('hands the open cases to the successor as they stand, saying why in the history', async () => {
    expect(response.json.transferred).toHaveLength(2);
    expect(response.json.transferred).toEqual(
      expect.arrayContaining([
        { code: open.assigned, toAgencyId: 'SO-XDGT' },
        { code: open.inProgress, toAgencyId: 'SO-XDGT' },
      ]),
    );
    const assigned = await full(stack, coordinator, open.assigned as string);
    expect(assigned).toMatchObject({ status: 'assigned', agencyId: 'SO-XDGT' });
    const note = lastEntry(assigned, 'transferred')?.note ?? '';
    expect(note).toContain('Sở Xây dựng (SO-XD) không còn hoạt động');
    expect(note).toContain('Sở Xây dựng và Giao thông (SO-XDGT)');

    const inProgress = await full(stack, coordinator, open.inProgress as string);
    expect(inProgress).toMatchObject({ status: 'in_progress', agencyId: 'SO-XDGT' });
    expect(inProgress.extension.status).toBe('requested');
  });

  it('leaves closed cases with the agency they had', async () => {
    const resolved = await full(stack, coordinator, open.resolved as string);
    expect(resolved.agencyId).toBe('SO-XD');
    expect(resolved.history.some((h: { action: string }) => h.action === 'transferred')).toBe(false);
    const pub = await stack.api('GET', `/v1/cases/${open.resolved}`);
    expect(pub.json.agency).toEqual({ id: 'SO-XD', name: 'Sở Xây dựng' });
  });

  it('moves the queues: the successor’s officers act, the old agency’s see nothing open', async () => {
    const old = await token('officer', 'SO-XD');
    const oldQueue = await stack.api('GET', '/v1/agency/cases', { token: old });
    expect(oldQueue.json.items.map((c: { code: string }) => c.code)).toEqual([open.resolved]);
    expect((await act(stack, old, open.assigned as string, 'accept', {}, { readAs: coordinator })).status).toBe(403);

    const successor = await token('officer', 'SO-XDGT');
    const queue = await stack.api('GET', '/v1/agency/cases', { token: successor });
    expect(queue.json.items.map((c: { code: string }) => c.code).sort()).toEqual(
      [open.assigned, open.inProgress].sort(),
    );
    await must(stack, successor, open.assigned as string, 'accept');
    await must(stack, coordinator, open.inProgress as string, 'extension/decision', { approve: true });
    await must(stack, successor, open.inProgress as string, 'resolve', { answer: 'Đã xử lý.', publish: false });
  });

  it('routes new cases to the successor and lists only agencies in force', async () => {
    const c = await full(stack, coordinator, (await submit(stack, { categoryCode: 'giao-thong' })).code);
    expect(c.agencyId).toBe('SO-XDGT');
    expect(lastEntry(c, 'forwarded')?.note).toContain('kế nhiệm');
    const ids = (await stack.api('GET', '/v1/agencies')).json.agencies.map((a: { id: string }) => a.id);
    expect(ids).toContain('SO-XDGT');
    expect(ids).not.toContain('SO-XD');
  });

  it('is idempotent: the same change again moves nothing more', async () => {
    const again = await putAgency('SO-XD', { ...SO_XD, validTo: today(), successors: ['SO-XDGT'] });
    expect(again.status).toBe(200);
    expect(again.json.transferred).toEqual([]);
  });
});

describe('dissolving an agency with no successor', () => {
  it('sends its open cases back to VPUB triage with a fresh classify clock', async () => {
    const code = (await submit(stack, { categoryCode: 'van-hoa-du-lich' })).code;
    expect((await full(stack, coordinator, code)).agencyId).toBe('SO-VHTTDL');
    const r = await putAgency('SO-VHTTDL', {
      name: 'Sở Văn hóa, Thể thao và Du lịch',
      level: 'province',
      headEmail: 'giamdoc.svhttdl@quangngai.example',
      validTo: today(),
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.transferred).toEqual([{ code }]);
    const c = await full(stack, coordinator, code);
    expect(c.status).toBe('received');
    expect(c.agencyId).toBeUndefined();
    expect(c.deadlines).toEqual([{ step: 'classify', dueAt: expect.any(String) }]);
    expect(lastEntry(c, 'transferred')?.note).toContain('không có cơ quan kế nhiệm');
  });
});
