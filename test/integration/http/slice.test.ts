import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCall, sampleWebCase, startTestStack, type TestStack, vnDate } from '../../support/stack.ts';

let stack: TestStack;
let operator: string;
let coordinator: string;

beforeAll(async () => {
  stack = await startTestStack();
  operator = await stack.token('operator');
  coordinator = await stack.token('coordinator');
});
afterAll(() => stack?.close());

describe('reference data', () => {
  it('lists the seeded categories and agencies', async () => {
    const cats = await stack.api('GET', '/v1/categories');
    expect(cats.status).toBe(200);
    expect(cats.json.categories.map((c: { code: string }) => c.code)).toContain('dat-dai');
    const ags = await stack.api('GET', '/v1/agencies');
    expect(ags.status).toBe(200);
    expect(ags.json.agencies.find((a: { id: string }) => a.id === 'SO-NNMT')?.name).toBe(
      'Sở Nông nghiệp và Môi trường',
    );
    expect(ags.json.localities).toContainEqual({ code: 'X003', name: 'Xã Sơn Hà' });
    expect(ags.text).not.toContain('@'); // no mail addresses in the public directory
  });
});

describe('hotline slice', () => {
  it('stores a call with its classify deadline on the working-day calendar and its history', async () => {
    const r = await stack.api('POST', '/v1/hotline/calls', { token: operator, body: sampleCall() });
    expect(r.status).toBe(201);
    expect(r.json.code).toMatch(/^QNG-26-[2-9A-HJKMNP-TV-Z]{6}$/);
    expect(r.json.receivedAt).toBe('2026-02-13T09:00:00+07:00');

    const full = await stack.api('GET', `/v1/cases/${r.json.code}`, { token: coordinator });
    expect(full.status).toBe(200);
    expect(full.json.channel).toBe('hotline');
    expect(full.json.submitter).toEqual({ name: 'Nguyễn Văn Thử', phone: '0900000123', address: 'Thôn 1, xã Sơn Hà' });
    // Fri 13/2/2026 + 5 working days, across Tết (16–20/2) and two weekends → Fri 27/2, close of day.
    const classify = full.json.deadlines.find((d: { step: string }) => d.step === 'classify');
    expect(classify.dueAt).toBe('2026-02-27T17:00:00+07:00');
    expect(vnDate(classify.dueAt)).toBe('2026-02-27');
    expect(full.json.history[0]).toMatchObject({ action: 'received', at: '2026-02-13T09:00:00+07:00' });
    expect(full.json.version).toBeGreaterThanOrEqual(1);
  });

  it('keeps a question answered on the call as resolved, with the answer', async () => {
    const r = await stack.api('POST', '/v1/hotline/calls', {
      token: operator,
      body: sampleCall({ resolvedOnCall: { answer: 'Đã hướng dẫn công dân tra cứu hồ sơ trên Cổng dịch vụ công.' } }),
    });
    expect(r.status).toBe(201);
    expect(r.json.status).toBe('resolved');
    const full = await stack.api('GET', `/v1/cases/${r.json.code}`, { token: coordinator });
    expect(full.json.flags).toContain('resolved_on_call');
    expect(full.json.answer.text).toContain('Cổng dịch vụ công');
  });

  it('refuses callers without a token (401) and roles other than operator (403)', async () => {
    expect((await stack.api('POST', '/v1/hotline/calls', { body: sampleCall() })).status).toBe(401);
    expect((await stack.api('POST', '/v1/hotline/calls', { body: sampleCall(), token: 'not.a.token' })).status).toBe(
      401,
    );
    expect((await stack.api('POST', '/v1/hotline/calls', { body: sampleCall(), token: coordinator })).status).toBe(403);
  });
});

describe('public view', () => {
  it('never shows the sender and answers unknown and malformed codes alike', async () => {
    const w = await stack.api('POST', '/v1/cases', { body: sampleWebCase() });
    expect(w.status).toBe(201);
    const pub = await stack.api('GET', `/v1/cases/${w.json.code}`);
    expect(pub.status).toBe(200);
    for (const secret of ['0900000456', 'kiem.tran@example.com', 'Trần Thị Kiểm', 'Tổ 3, phường Cẩm Thành']) {
      expect(pub.text).not.toContain(secret);
    }
    expect(pub.json).toMatchObject({ code: w.json.code, kind: 'phan_anh' });
    const unknown = await stack.api('GET', '/v1/cases/QNG-26-ZZZZZZ');
    const malformed = await stack.api('GET', '/v1/cases/%3Cscript%3E');
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(unknown.json).toEqual(malformed.json);
  });
});
