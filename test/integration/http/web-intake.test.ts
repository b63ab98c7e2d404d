import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleWebCase, startTestStack, type TestStack } from '../../support/stack.ts';

let stack: TestStack;
let coordinator: string;

beforeAll(async () => {
  stack = await startTestStack();
  coordinator = await stack.token('coordinator');
});
afterAll(() => stack?.close());

const submit = (body: unknown, key?: string) =>
  stack.api('POST', '/v1/cases', { body, ...(key ? { headers: { 'idempotency-key': key } } : {}) });

describe('web channel', () => {
  it('registers, acknowledges by mail, and replays the same code for the same key and body', async () => {
    const body = sampleWebCase({
      submitter: { name: 'Lê Văn Mạnh', address: 'Thôn 2, xã Bình Sơn', email: 'manh.le@example.com' },
    });
    const first = await submit(body, 'web-intake-key-0001');
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      code: expect.stringMatching(/^QNG-\d{2}-/),
      receivedAt: expect.stringMatching(/\+07:00$/),
    });
    const replay = await submit(body, 'web-intake-key-0001');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json.code).toBe(first.json.code);

    const full = await stack.api('GET', `/v1/cases/${first.json.code}`, { token: coordinator });
    expect(full.json).toMatchObject({
      channel: 'web',
      categoryCode: 'dat-dai',
      submitter: { email: 'manh.le@example.com' },
    });
    expect(full.json.history.map((h: { action: string }) => h.action)).toContain('received');
    expect(full.json.deadlines.find((d: { step: string }) => d.step === 'classify').dueAt).toMatch(/T17:00:00\+07:00$/);

    const mail = (await stack.mails()).find((m) => m.destination.to.includes('manh.le@example.com'));
    expect(mail?.subject).toBe(`Đã tiếp nhận phản ánh, kiến nghị ${first.json.code}`);
    expect(mail?.body.text).toContain(`/tra-cuu.html?ma=${first.json.code}`);
    expect(mail?.body.text).toMatch(/chậm nhất ngày \d{2}\/\d{2}\/\d{4}/);
    expect(mail?.body.html).toContain('lang="vi"');
    // One acknowledgement, even though the request came twice.
    expect((await stack.mails()).filter((m) => m.destination.to.includes('manh.le@example.com'))).toHaveLength(1);
  });

  it('refuses the same key with a different body (422 naming the header)', async () => {
    await submit(sampleWebCase({ title: 'Lần một' }), 'web-intake-key-0002');
    const other = await submit(sampleWebCase({ title: 'Lần hai, nội dung khác' }), 'web-intake-key-0002');
    expect(other.status).toBe(422);
    expect(other.json.error.fields).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
  });

  it('gives one case for 50 concurrent retries of one key', async () => {
    const body = sampleWebCase({ title: 'Gửi lại nhiều lần do mạng chập chờn' });
    const answers = await Promise.all(Array.from({ length: 50 }, () => submit(body, 'web-intake-key-burst')));
    expect(answers.every((a) => a.status === 201 || a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.json.code)).size).toBe(1);
    const page = await stack.store.listReceived('2020-01-01T00:00:00+07:00', '2100-01-01T00:00:00+07:00', {
      limit: 200,
    });
    expect(page.items.filter((c) => c.title === 'Gửi lại nhiều lần do mạng chập chờn')).toHaveLength(1);
  });

  it('says in Vietnamese what is missing, naming each field, and stores nothing', async () => {
    const r = await submit({ kind: 'phan_anh', title: '', content: 'x', submitter: { name: 'A' }, consent: false });
    expect(r.status).toBe(422);
    expect(r.json.error.message).toContain('Vui lòng bổ sung rồi gửi lại');
    expect(r.json.error.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['title', 'submitter.address', 'consent']),
    );
  });

  it('refuses a filled honeypot', async () => {
    const r = await submit(sampleWebCase({ website: 'http://spam.example' }));
    expect(r.status).toBe(422);
  });
});

describe('public rate limit', () => {
  it('answers 429 with Retry-After past the per-minute limit', async () => {
    const limited = await startTestStack({ publicRateLimit: 2, seed: 'none' });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 3; i++) {
        const r = await limited.api('POST', '/v1/cases', { body: { bad: true } });
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get('retry-after');
      }
      expect(statuses).toEqual([422, 422, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
