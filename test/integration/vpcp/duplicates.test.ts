/**
 * Likely duplicates at intake, on every channel: same phone or email (by hash, through the contact
 * indexes) within 30 days and similar text → flagged with candidates for the coordinator; the new
 * item is always registered and handled as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCall, sampleWebCase, startTestStack, type TestStack } from '../../support/stack.ts';
import { pushItem, sampleVpcpItem } from './support.ts';

let stack: TestStack;
let coordinator: string;
let operator: string;

beforeAll(async () => {
  stack = await startTestStack();
  coordinator = await stack.token('coordinator');
  operator = await stack.token('operator');
});
afterAll(() => stack?.close());

const full = async (code: string) => (await stack.api('GET', `/v1/cases/${code}`, { token: coordinator })).json;

const LAND =
  'Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại bộ phận một cửa của xã từ tháng 7 nhưng đến nay đã quá hạn mà chưa nhận được kết quả, cũng không được thông báo lý do.';
const LAND_AGAIN =
  'Tôi đã nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại bộ phận một cửa của xã từ tháng 7, đến nay đã quá hạn mà vẫn chưa nhận được kết quả, không được thông báo lý do.';
const LIGHTS =
  'Đèn chiếu sáng trên tuyến đường trước trường tiểu học đã hỏng hơn hai tuần, buổi tối học sinh đi lại rất nguy hiểm.';

const web = (phone: string | undefined, email: string | undefined, content: string) =>
  sampleWebCase({
    content,
    submitter: {
      name: 'Võ Thị Hạnh',
      address: 'Tổ 5, phường Trương Quang Trọng',
      ...(phone ? { phone } : {}),
      ...(email ? { email } : {}),
    },
  });

describe('possible duplicates', () => {
  it('a resubmission from the same phone is flagged with the original; the original is untouched', async () => {
    const a = await stack.api('POST', '/v1/cases', { body: web('0977000111', undefined, LAND) });
    expect(a.status).toBe(201);
    const b = await stack.api('POST', '/v1/cases', { body: web('0977000111', undefined, LAND_AGAIN) });
    expect(b.status).toBe(201);
    expect(b.json.code).not.toBe(a.json.code);

    const dup = await full(b.json.code);
    expect(dup.flags).toContain('possible_duplicate');
    expect(dup.duplicateCandidates).toEqual([
      { code: a.json.code, similarity: expect.any(Number), matchedBy: ['phone'] },
    ]);
    expect(dup.duplicateCandidates[0].similarity).toBeGreaterThanOrEqual(0.4);
    const entry = dup.history.find((h: { action: string }) => h.action === 'possible_duplicate_flagged');
    expect(entry.note).toContain(a.json.code);
    expect(entry.note).not.toContain('0977000111');
    // Not a public step: the tracking page does not show it.
    const pub = await stack.api('GET', `/v1/cases/${b.json.code}`);
    expect(pub.text).not.toContain('possible_duplicate');

    const original = await full(a.json.code);
    expect(original.flags).not.toContain('possible_duplicate');
    expect(original.duplicateCandidates).toBeUndefined();
  });

  it('a hotline call from that phone about the same matter finds both earlier cases', async () => {
    const first = await stack.api('POST', '/v1/cases', { body: web('0977000222', undefined, LAND) });
    const second = await stack.api('POST', '/v1/cases', { body: web('0977000222', undefined, LAND_AGAIN) });
    const call = await stack.api('POST', '/v1/hotline/calls', {
      token: operator,
      body: sampleCall({
        calledAt: new Date().toISOString(),
        caller: { name: 'Võ Thị Hạnh', phone: '+84 977 000 222' },
        content: LAND,
      }),
    });
    expect(call.status).toBe(201);
    const c = await full(call.json.code);
    expect(c.flags).toContain('possible_duplicate');
    expect(c.duplicateCandidates.map((d: { code: string }) => d.code).sort()).toEqual(
      [first.json.code, second.json.code].sort(),
    );
    // The same content (the call's title is its first words) ranks first.
    expect(c.duplicateCandidates[0].code).toBe(first.json.code);
    expect(c.duplicateCandidates[0].similarity).toBeGreaterThan(c.duplicateCandidates[1].similarity);
  });

  it('matches by email across channels (web, then a national item)', async () => {
    const a = await stack.api('POST', '/v1/cases', { body: web(undefined, 'hanh.vo@example.com', LAND) });
    const item = sampleVpcpItem({
      maPakn: 'VPCP-DUP-0001',
      ngayGui: new Date(Date.now() - 3_600_000).toISOString(),
      tieuDe: 'Chậm cấp giấy chứng nhận quyền sử dụng đất',
      noiDung: LAND_AGAIN,
      nguoiGui: { hoTen: 'Võ Thị Hạnh', diaChi: 'Quảng Ngãi', dienThoai: '0977000999', email: 'Hanh.Vo@example.com' },
    });
    const b = await pushItem(stack, item);
    expect(b.status).toBe(201);
    expect((await full(b.json.code)).duplicateCandidates).toEqual([
      { code: a.json.code, similarity: expect.any(Number), matchedBy: ['email'] },
    ]);
  });

  it('the same phone about another matter, or the same text from someone else, is not a duplicate', async () => {
    await stack.api('POST', '/v1/cases', { body: web('0977000333', undefined, LAND) });
    const other = await stack.api('POST', '/v1/cases', { body: web('0977000333', undefined, LIGHTS) });
    expect((await full(other.json.code)).flags).not.toContain('possible_duplicate');
    const stranger = await stack.api('POST', '/v1/cases', { body: web('0977000444', undefined, LAND) });
    expect((await full(stranger.json.code)).flags).not.toContain('possible_duplicate');
  });

  it('only looks 30 days around receipt', async () => {
    await stack.api('POST', '/v1/cases', { body: web('0977000555', undefined, LAND) });
    const old = await stack.api('POST', '/v1/hotline/calls', {
      token: operator,
      body: sampleCall({
        calledAt: new Date(Date.now() - 45 * 86_400_000).toISOString(),
        caller: { name: 'Võ Thị Hạnh', phone: '0977000555' },
        content: LAND,
      }),
    });
    expect(old.status).toBe(201);
    expect((await full(old.json.code)).flags).not.toContain('possible_duplicate');
  });
});
