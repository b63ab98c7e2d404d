/**
 * Concurrency on the local stack, over HTTP: many officers pressing the same button at once, and a
 * browser retrying one submission many times. Every write is one conditional UpdateItem/PutItem on
 * the version, so exactly one request per transition may win; the others must be told 409 (the
 * state no longer allows it) or 412 (the version they acted on is gone), never 5xx, and the case's
 * history must show each step once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCall, sampleWebCase, startTestStack, type TestStack } from '../../support/stack.ts';

const AGENCY = 'SO-TP';
const N = 50;

let stack: TestStack;
let operator: string;
let coordinator: string;
let officer: string;

beforeAll(async () => {
  stack = await startTestStack();
  [operator, coordinator, officer] = await Promise.all([
    stack.token('operator'),
    stack.token('coordinator'),
    stack.token('officer', AGENCY),
  ]);
});
afterAll(() => stack?.close());

/** A case forwarded to {@link AGENCY}, ready to be accepted. */
async function assignedCase(): Promise<string> {
  const call = await stack.api('POST', '/v1/hotline/calls', {
    token: operator,
    // A question no rule or confident suggestion routes: it waits for VPUB, which forwards it.
    body: sampleCall({
      calledAt: new Date(Date.now() - 3_600_000).toISOString(),
      content: 'Công dân đề nghị được giải đáp, hướng dẫn cụ thể nội dung đã trình bày qua điện thoại.',
    }),
  });
  expect(call.status, call.text).toBe(201);
  expect(call.json.status).toBe('received');
  const classify = await stack.api('POST', `/v1/cases/${call.json.code}/classify`, {
    token: coordinator,
    body: { kind: 'phan_anh', contentType: 'hanh_vi', categoryCode: 'dat-dai', agencyId: AGENCY },
  });
  expect(classify.status, classify.text).toBe(200);
  expect(classify.json.status).toBe('assigned');
  return call.json.code as string;
}

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((t, s) => {
    t[s] = (t[s] ?? 0) + 1;
    return t;
  }, {});

async function burst(code: string, action: 'accept' | 'resolve', headers: Record<string, string> = {}) {
  const body = action === 'resolve' ? { answer: 'Đã giải quyết xong hồ sơ của công dân.', publish: true } : {};
  return Promise.all(
    Array.from({ length: N }, () =>
      stack.api('POST', `/v1/cases/${code}/${action}`, { token: officer, body, headers }),
    ),
  );
}

const actionsOf = async (code: string): Promise<{ actions: string[]; version: number; status: string }> => {
  const r = await stack.api('GET', `/v1/cases/${code}`, { token: coordinator });
  expect(r.status).toBe(200);
  return {
    actions: r.json.history.map((h: { action: string }) => h.action),
    version: r.json.version,
    status: r.json.status,
  };
};

describe(`${N} concurrent transitions on one case`, () => {
  it('accept then resolve, without If-Match: one winner each, the rest 409/412, each step once in the history', async () => {
    const code = await assignedCase();
    const before = await actionsOf(code);

    const accepts = await burst(code, 'accept');
    const acceptStatuses = accepts.map((r) => r.status);
    expect(tally(acceptStatuses)[200], JSON.stringify(tally(acceptStatuses))).toBe(1);
    expect(acceptStatuses.every((s) => s === 200 || s === 409 || s === 412)).toBe(true);
    const accepted = accepts.find((r) => r.status === 200)?.json;

    const resolves = await burst(code, 'resolve');
    const resolveStatuses = resolves.map((r) => r.status);
    expect(tally(resolveStatuses)[200], JSON.stringify(tally(resolveStatuses))).toBe(1);
    expect(resolveStatuses.every((s) => s === 200 || s === 409 || s === 412)).toBe(true);
    const resolved = resolves.find((r) => r.status === 200)?.json;

    // Each winner saw the one before it: versions strictly increase along the transitions.
    expect(accepted.version).toBeGreaterThan(before.version);
    expect(resolved.version).toBeGreaterThan(accepted.version);
    const after = await actionsOf(code);
    expect(after.status).toBe('resolved');
    expect(after.version).toBeGreaterThanOrEqual(resolved.version);
    // The history before the bursts, then exactly one accept and one resolve, in that order.
    expect(after.actions.slice(0, before.actions.length)).toEqual(before.actions);
    expect(after.actions.filter((a) => a === 'accepted')).toHaveLength(1);
    expect(after.actions.filter((a) => a === 'resolved')).toHaveLength(1);
    expect(after.actions.indexOf('accepted')).toBeLessThan(after.actions.indexOf('resolved'));
  });

  it('with If-Match on the version everyone read: one winner, the rest 412', async () => {
    const code = await assignedCase();
    const { version } = await actionsOf(code);

    const accepts = await burst(code, 'accept', { 'if-match': `"${version}"` });
    expect(tally(accepts.map((r) => r.status))).toEqual({ 200: 1, 412: N - 1 });
    const winner = accepts.find((r) => r.status === 200);
    expect(winner?.headers.get('etag')).toBe(`"${winner?.json.version}"`);
    expect(winner?.json.version).toBeGreaterThan(version);

    const after = await actionsOf(code);
    expect(after.actions.filter((a) => a === 'accepted')).toHaveLength(1);
  });

  it('accepts and resolves racing each other: at most one of each, and the history agrees with the status', async () => {
    const code = await assignedCase();
    const body = { answer: 'Đã giải quyết xong hồ sơ của công dân.', publish: false };
    const mixed = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        stack.api('POST', `/v1/cases/${code}/${i % 2 === 0 ? 'accept' : 'resolve'}`, {
          token: officer,
          body: i % 2 === 0 ? {} : body,
        }),
      ),
    );
    expect(
      mixed.every((r) => [200, 409, 412].includes(r.status)),
      JSON.stringify(tally(mixed.map((r) => r.status))),
    ).toBe(true);
    const wins = mixed.filter((r) => r.status === 200).map((r) => r.json);
    const acceptWins = mixed.filter((r, i) => i % 2 === 0 && r.status === 200);
    const resolveWins = mixed.filter((r, i) => i % 2 === 1 && r.status === 200);
    expect(acceptWins).toHaveLength(1);
    expect(resolveWins.length).toBeLessThanOrEqual(1);
    // No two winners wrote the same version.
    expect(new Set(wins.map((w) => w.version)).size).toBe(wins.length);

    const after = await actionsOf(code);
    expect(after.actions.filter((a) => a === 'accepted')).toHaveLength(1);
    expect(after.actions.filter((a) => a === 'resolved')).toHaveLength(resolveWins.length);
    expect(after.status).toBe(resolveWins.length === 1 ? 'resolved' : 'in_progress');
  });
});

describe('200 concurrent replays of one Idempotency-Key', () => {
  it('register one case, answer every replay with its code, and mail one acknowledgement', async () => {
    const marker = `IDEM-${Date.now().toString(36)}`;
    const email = `${marker.toLowerCase()}@example.com`;
    const body = sampleWebCase({
      title: `Phản ánh kiểm thử ${marker}`,
      submitter: { name: 'Lê Văn Gửi', address: 'Tổ 5, phường Nghĩa Chánh', email },
    });
    const key = `${marker}-key`;
    const from = new Date(Date.now() - 60_000).toISOString();

    const replies = await Promise.all(
      Array.from({ length: 200 }, () => stack.api('POST', '/v1/cases', { body, headers: { 'idempotency-key': key } })),
    );
    const statuses = tally(replies.map((r) => r.status));
    expect(statuses, JSON.stringify(statuses)).toEqual({ 201: 1, 200: 199 });
    const codes = new Set(replies.map((r) => r.json.code));
    expect(codes.size).toBe(1);
    const [code] = codes;

    const stored = await stack.store.listReceived(from, new Date(Date.now() + 60_000).toISOString(), { limit: 200 });
    expect(stored.cursor).toBeUndefined();
    const mine = stored.items.filter((c) => c.title.includes(marker));
    expect(mine.map((c) => c.code)).toEqual([code]);
    expect(mine[0]?.history.filter((h) => h.action === 'received')).toHaveLength(1);

    const store = (await (await fetch(`${stack.sesUrl}/store`)).json()) as {
      emails: Array<{ destination: { to: string[] } }>;
    };
    const acks = store.emails.filter((m) => m.destination.to.includes(email));
    expect(acks).toHaveLength(1);
  });
});
