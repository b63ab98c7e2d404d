import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCall, startTestStack, type TestStack } from '../../support/stack.ts';

let stack: TestStack;
let operator: string;

beforeAll(async () => {
  stack = await startTestStack();
  operator = await stack.token('operator');
});
afterAll(() => stack?.close());

/** Cases in the period index for 2026: nothing may be stored from bad input. */
async function storedCases(): Promise<number> {
  const page = await stack.store.listReceived('2026-01-01T00:00:00+07:00', '2027-01-01T00:00:00+07:00', { limit: 200 });
  return page.items.length;
}

const post = (body: unknown, raw?: string, headers: Record<string, string> = {}) =>
  stack.api('POST', '/v1/hotline/calls', { token: operator, headers, ...(raw !== undefined ? { raw } : { body }) });

describe('bad input to the hotline slice', () => {
  it.each([
    ['invalid JSON', undefined, '{"calledAt": ', 400, undefined],
    ['a wrong type', sampleCall({ content: 42 }), undefined, 422, 'content'],
    ['a missing field', { ...sampleCall(), caller: undefined }, undefined, 422, 'caller'],
    ['an unknown field', sampleCall({ secretField: 1 }), undefined, 422, 'secretField'],
    ['a bad phone number', sampleCall({ caller: { name: 'A', phone: '12345' } }), undefined, 422, 'caller.phone'],
    ['a time without offset', sampleCall({ calledAt: '2026-02-13 09:00' }), undefined, 422, 'calledAt'],
    ['a control character', sampleCall({ content: 'abc\u0000def' }), undefined, 422, 'content'],
    ['over-long content', sampleCall({ content: 'x'.repeat(10_001) }), undefined, 422, 'content'],
    ['an array body', [sampleCall()], undefined, 422, '(body)'],
  ])('%s → %s naming the field, nothing stored', async (_what, body, raw, status, field) => {
    const before = await storedCases();
    const r = await post(body, raw, { 'content-type': 'application/json' });
    expect(r.status).toBe(status);
    expect(r.json.error.code).toEqual(expect.any(String));
    expect(r.json.error.message).toEqual(expect.any(String));
    if (field) expect(r.json.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(await storedCases()).toBe(before);
  });

  it('refuses a 1 MB body with 413 and a non-JSON content type with 415', async () => {
    const before = await storedCases();
    const huge = await post(undefined, JSON.stringify({ ...sampleCall(), content: 'x'.repeat(1024 * 1024) }));
    expect(huge.status).toBe(413);
    const form = await post(undefined, 'a=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(await storedCases()).toBe(before);
  });
});
