/**
 * The agency's workflow through the local HTTP stack: accept, return as không đúng thẩm quyền (and
 * VPUB re-routing it), resolve with an answer, internal notes and a publish flag; what the public
 * tracking view and the sender's mail then show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import { act, full, lastEntry, mailsTo, mailTo, must, submit, tokens } from './support.ts';

let stack: TestStack;
let token: ReturnType<typeof tokens>;
let coordinator: string;
let nnmt: string;

beforeAll(async () => {
  stack = await startTestStack();
  token = tokens(stack);
  coordinator = await token('coordinator');
  nnmt = await token('officer', 'SO-NNMT');
});
afterAll(() => stack?.close());

const PERSONAL = ['Trần Thị Kiểm', 'Tổ 3, phường Cẩm Thành', '0900000456'];

describe('resolve and publish', () => {
  it('accepts, answers with an internal note and publishes: the public view shows the answer and nothing personal', async () => {
    const s = await submit(stack, { categoryCode: 'dat-dai' });
    const accepted = await must(stack, nnmt, s.code, 'accept');
    expect(accepted.status).toBe('in_progress');
    expect(accepted.deadlines.find((d: { step: string }) => d.step === 'acknowledge').metAt).toBeDefined();

    const answer = 'Sở đã kiểm tra hồ sơ; giấy chứng nhận được trả ngày 20/3 tại bộ phận một cửa.';
    const internalNote = 'Phòng Đăng ký đất đai xử lý chậm do thiếu người; đã nhắc nhở.';
    const resolved = await must(stack, nnmt, s.code, 'resolve', { answer, publish: true, internalNote });
    expect(resolved).toMatchObject({ status: 'resolved', published: true, internalNotes: internalNote });
    expect(resolved.answer.text).toBe(answer);

    const pub = await stack.api('GET', `/v1/cases/${s.code}`);
    expect(pub.status).toBe(200);
    expect(pub.json.answer.text).toBe(answer);
    expect(pub.json.agency).toEqual({ id: 'SO-NNMT', name: 'Sở Nông nghiệp và Môi trường' });
    expect(pub.json.history.map((h: { action: string }) => h.action)).toEqual(
      expect.arrayContaining(['received', 'forwarded', 'accepted', 'resolved']),
    );
    for (const secret of [...PERSONAL, s.email, internalNote, 'Phòng Đăng ký']) expect(pub.text).not.toContain(secret);

    const mail = await mailTo(stack, s.email, /Kết quả xử lý/);
    expect(mail.body.text).toContain(answer);
    expect(mail.body.text).toContain('được công khai');
    expect(mail.body.text).not.toContain(internalNote);
  });

  it('keeps an unpublished answer off the public view, and still mails it to the sender', async () => {
    const s = await submit(stack, { categoryCode: 'dat-dai' });
    await must(stack, nnmt, s.code, 'accept');
    const answer = 'Trả lời riêng cho người gửi: hồ sơ đã được bổ sung và giải quyết.';
    await must(stack, nnmt, s.code, 'resolve', { answer, publish: false });
    const pub = await stack.api('GET', `/v1/cases/${s.code}`);
    expect(pub.json.status).toBe('resolved');
    expect(pub.json.answer).toBeUndefined();
    expect(pub.text).not.toContain(answer);
    expect((await mailTo(stack, s.email, /Kết quả xử lý/)).body.text).toContain(answer);
  });

  it('refuses to resolve before accepting (409 naming the status) and another agency’s officer (403)', async () => {
    const s = await submit(stack, { categoryCode: 'dat-dai' });
    const early = await act(stack, nnmt, s.code, 'resolve', { answer: 'Đã xử lý.', publish: true });
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain('"assigned"');
    const other = await token('officer', 'SO-XD');
    expect((await stack.api('GET', `/v1/cases/${s.code}`, { token: other })).status).toBe(403);
    expect((await act(stack, other, s.code, 'accept', {}, { readAs: coordinator })).status).toBe(403);
    await must(stack, nnmt, s.code, 'accept');
    const twice = await act(stack, nnmt, s.code, 'accept');
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toContain('"in_progress"');
  });
});

describe('return and re-route', () => {
  it('goes back to triage with the reason and a fresh classify clock; a second return flags it', async () => {
    const s = await submit(stack, { categoryCode: 'dat-dai' });
    const first = await full(stack, coordinator, s.code);
    const firstClassify = first.deadlines.find((d: { step: string }) => d.step === 'classify');

    const reason = 'Nội dung về cấp phép xây dựng, không thuộc thẩm quyền của Sở.';
    const back = await must(stack, nnmt, s.code, 'return', { reason });
    expect(back.status).toBe('received');
    expect(back.agencyId).toBeUndefined();
    expect(lastEntry(back, 'returned')?.note).toBe(`SO-NNMT: ${reason}`);
    const classify = back.deadlines.find((d: { step: string }) => d.step === 'classify');
    expect(classify.metAt).toBeUndefined();
    expect(Date.parse(classify.dueAt)).toBeGreaterThanOrEqual(Date.parse(firstClassify.dueAt));
    expect(back.flags).not.toContain('returned_twice');
    // The returning agency no longer sees it.
    expect((await stack.api('GET', `/v1/cases/${s.code}`, { token: nnmt })).status).toBe(403);

    const sxd = await token('officer', 'SO-XD');
    const rerouted = await must(stack, coordinator, s.code, 'classify', {
      kind: 'phan_anh',
      contentType: 'hanh_vi',
      categoryCode: 'xay-dung',
      agencyId: 'SO-XD',
    });
    expect(rerouted).toMatchObject({ status: 'assigned', agencyId: 'SO-XD', categoryCode: 'xay-dung' });

    const second = await must(stack, sxd, s.code, 'return', { reason: 'Công trình thuộc địa bàn xã quản lý.' });
    expect(second.flags).toContain('returned_twice');
    const queue = await stack.api('GET', '/v1/cases?status=received', { token: coordinator });
    expect(queue.json.items.find((i: { code: string }) => i.code === s.code)?.flags).toContain('returned_twice');

    // VPUB can also let the rules choose (here the category's default agency).
    const byRule = await must(stack, coordinator, s.code, 'classify', {
      kind: 'phan_anh',
      contentType: 'hanh_vi',
      categoryCode: 'xay-dung',
    });
    expect(byRule.agencyId).toBe('SO-XD');
    expect(lastEntry(byRule, 'forwarded')?.note).toContain('mac-dinh:xay-dung');
    expect((await mailsTo(stack, s.email)).map((m) => m.subject)).toEqual([
      `Đã tiếp nhận phản ánh, kiến nghị ${s.code}`,
    ]);
  });

  it('refuses a return from an agency the case is not assigned to (403) and without a reason (422)', async () => {
    const s = await submit(stack, { categoryCode: 'dat-dai' });
    const other = await token('officer', 'SO-TP');
    expect((await act(stack, other, s.code, 'return', { reason: 'Không đúng.' }, { readAs: coordinator })).status).toBe(
      403,
    );
    const empty = await act(stack, nnmt, s.code, 'return', { reason: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.json.error.fields[0].field).toBe('reason');
  });
});
