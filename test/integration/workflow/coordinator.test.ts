/**
 * The coordinator's (VPUB) workflow through the local HTTP stack: reject with guidance, merge a
 * duplicate, decide extensions, reassign; the sender's mails read back from SES local; every write
 * under If-Match (412 when stale) and refused with 409 naming the status when not allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import { act, full, lastEntry, mailsTo, mailTo, must, submit, tokens, vnDay } from './support.ts';

let stack: TestStack;
let token: ReturnType<typeof tokens>;
let coordinator: string;

beforeAll(async () => {
  stack = await startTestStack();
  token = tokens(stack);
  coordinator = await token('coordinator');
});
afterAll(() => stack?.close());

const VAGUE = {
  categoryCode: undefined,
  title: 'Đề nghị giải đáp',
  content: 'Công dân đề nghị được giải đáp, hướng dẫn cụ thể nội dung đã trình bày.',
};

/** A case forwarded to SO-NNMT and accepted there (status in_progress). */
async function inProgressAtNnmt() {
  const s = await submit(stack, { categoryCode: 'dat-dai' });
  const officer = await token('officer', 'SO-NNMT');
  await must(stack, officer, s.code, 'accept');
  return { ...s, officer };
}

describe('reject (không tiếp nhận)', () => {
  it('closes a triaged item and mails the sender the reason and how to resubmit, escaped', async () => {
    const s = await submit(stack, { ...VAGUE, title: 'Đề nghị <b>giải đáp</b> & hướng dẫn' });
    const reason = 'Nội dung chưa nêu rõ vụ việc, thủ tục hay cơ quan liên quan.';
    const c = await must(stack, coordinator, s.code, 'reject', { reason });
    expect(c.status).toBe('rejected');
    expect(lastEntry(c, 'rejected')?.note).toBe(reason);

    const mail = await mailTo(stack, s.email, /không được tiếp nhận/);
    expect(mail.subject).toBe(`Phản ánh, kiến nghị ${s.code} không được tiếp nhận`);
    expect(mail.body.text).toContain(`Lý do: ${reason}`);
    expect(mail.body.text).toContain('Để được tiếp nhận, phản ánh, kiến nghị cần:');
    expect(mail.body.text).toContain('số điện thoại hoặc địa chỉ thư điện tử');
    expect(mail.body.text).toContain(`${stack.url}/`);
    expect(mail.body.html).toContain('Đề nghị &lt;b&gt;giải đáp&lt;/b&gt; &amp; hướng dẫn');
    expect(mail.body.html).not.toContain('<b>');
    expect((await full(stack, coordinator, s.code)).mails).toContainEqual(
      expect.objectContaining({ template: 'rejected', status: 'sent' }),
    );
  });

  it('tells the sender of an out-of-scope item which channel to use', async () => {
    const s = await submit(stack, {
      title: 'Khiếu nại quyết định thu hồi đất',
      content: 'Tôi khiếu nại quyết định thu hồi đất số 123/QĐ-UBND, đề nghị hủy bỏ quyết định này.',
    });
    await must(stack, coordinator, s.code, 'reject', {
      reason: 'Nội dung là khiếu nại, không phải phản ánh, kiến nghị.',
    });
    const mail = await mailTo(stack, s.email, /không được tiếp nhận/);
    expect(mail.body.text).toContain('Luật Khiếu nại năm 2011');
  });

  it('refuses to reject a case already forwarded: 409 naming the status', async () => {
    const s = await submit(stack, { categoryCode: 'y-te' });
    const r = await act(stack, coordinator, s.code, 'reject', { reason: 'Không rõ nội dung.' });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('invalid_transition');
    expect(r.json.error.message).toContain('"assigned"');
  });
});

describe('merge a duplicate', () => {
  it('links the duplicate to its original and tells the duplicate’s sender which code to follow', async () => {
    const original = await submit(stack, VAGUE);
    const duplicate = await submit(stack, VAGUE);
    const d = await must(stack, coordinator, duplicate.code, 'merge', { intoCode: original.code });
    expect(d).toMatchObject({ status: 'duplicate', duplicateOf: original.code });

    const o = await full(stack, coordinator, original.code);
    expect(o.duplicates).toEqual([duplicate.code]);
    expect(o.status).toBe('received');

    const mail = await mailTo(stack, duplicate.email, /được gộp/);
    expect(mail.body.text).toContain(`theo mã ${original.code}`);
    expect(mail.body.text).toContain(`tra-cuu.html?ma=${original.code}`);
    expect((await mailsTo(stack, original.email)).filter((m) => /gộp/.test(m.subject))).toEqual([]);
  });

  it('refuses an unknown original (422) and a merge into itself (422)', async () => {
    const s = await submit(stack, VAGUE);
    const unknown = await act(stack, coordinator, s.code, 'merge', { intoCode: 'QNG-26-ZZZZZZ' });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.fields[0].field).toBe('intoCode');
    const self = await act(stack, coordinator, s.code, 'merge', { intoCode: s.code });
    expect(self.status).toBe(422);
  });
});

describe('extension', () => {
  it('approved: the handle deadline moves and the sender is told the new date', async () => {
    const s = await inProgressAtNnmt();
    const before = await full(stack, coordinator, s.code);
    const handleBefore = before.deadlines.find((d: { step: string }) => d.step === 'handle').dueAt;

    const asked = await must(stack, s.officer, s.code, 'extension', {
      workingDays: 5,
      reason: 'Cần xác minh thực địa.',
    });
    expect(asked.extension).toMatchObject({ workingDays: 5, status: 'requested' });
    const again = await act(stack, s.officer, s.code, 'extension', { workingDays: 3, reason: 'Thêm lần nữa.' });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('extension_used');

    const decided = await must(stack, coordinator, s.code, 'extension/decision', { approve: true, note: 'Đồng ý.' });
    expect(decided.extension.status).toBe('approved');
    const handleAfter = decided.deadlines.find((d: { step: string }) => d.step === 'handle').dueAt;
    expect(Date.parse(handleAfter)).toBeGreaterThan(Date.parse(handleBefore));
    expect(decided.dueAt).toBe(handleAfter);

    const mail = await mailTo(stack, s.email, /Gia hạn/);
    expect(mail.body.text).toContain('5 ngày làm việc');
    expect(mail.body.text).toContain(`Thời hạn trả lời mới: chậm nhất ngày ${vnDay(handleAfter)}.`);
  });

  it('denied: nothing moves and the sender gets no mail', async () => {
    const s = await inProgressAtNnmt();
    await must(stack, s.officer, s.code, 'extension', { workingDays: 2, reason: 'Chờ ý kiến sở khác.' });
    const before = await full(stack, coordinator, s.code);
    const decided = await must(stack, coordinator, s.code, 'extension/decision', {
      approve: false,
      note: 'Không đủ căn cứ.',
    });
    expect(decided.extension.status).toBe('denied');
    expect(decided.deadlines).toEqual(before.deadlines);
    expect((await mailsTo(stack, s.email)).filter((m) => /Gia hạn/.test(m.subject))).toEqual([]);
    const none = await act(stack, coordinator, s.code, 'extension/decision', { approve: true });
    expect(none.status).toBe(409);
  });

  it('refuses more days than the policy allows (422) and a decision with nothing asked (409)', async () => {
    const s = await inProgressAtNnmt();
    const long = await act(stack, s.officer, s.code, 'extension', { workingDays: 11, reason: 'Phức tạp.' });
    expect(long.status).toBe(422);
    expect(long.json.error.fields[0].field).toBe('workingDays');
    const nothing = await act(stack, coordinator, s.code, 'extension/decision', { approve: true });
    expect(nothing.status).toBe(409);
    expect(nothing.json.error.code).toBe('no_pending_extension');
  });
});

describe('reassign', () => {
  it('moves a forwarded case to another agency with the reason; the old agency loses it', async () => {
    const s = await inProgressAtNnmt();
    const c = await must(stack, coordinator, s.code, 'reassign', {
      agencyId: 'SO-XD',
      reason: 'Nội dung thuộc lĩnh vực xây dựng.',
    });
    expect(c).toMatchObject({ status: 'assigned', agencyId: 'SO-XD' });
    expect(lastEntry(c, 'reassigned')?.note).toBe('SO-NNMT → SO-XD: Nội dung thuộc lĩnh vực xây dựng.');
    expect(c.deadlines.filter((d: { metAt?: string }) => !d.metAt).map((d: { step: string }) => d.step)).toEqual([
      'acknowledge',
      'handle',
    ]);
    const old = await act(stack, s.officer, s.code, 'accept', {}, { readAs: coordinator });
    expect(old.status).toBe(403);
    await must(stack, await token('officer', 'SO-XD'), s.code, 'accept');
  });

  it('refuses an unknown agency or the same one (422), and a case not yet forwarded (409)', async () => {
    const s = await submit(stack, { categoryCode: 'y-te' });
    expect((await act(stack, coordinator, s.code, 'reassign', { agencyId: 'SO-KHONG-CO', reason: 'x' })).status).toBe(
      422,
    );
    expect((await act(stack, coordinator, s.code, 'reassign', { agencyId: 'SO-YT', reason: 'x' })).status).toBe(422);
    const triaged = await submit(stack, VAGUE);
    const r = await act(stack, coordinator, triaged.code, 'reassign', { agencyId: 'SO-YT', reason: 'x' });
    expect(r.status).toBe(409);
    expect(r.json.error.message).toContain('"received"');
  });
});

describe('If-Match', () => {
  it('refuses a write based on a stale version (412) and accepts the current one', async () => {
    const s = await submit(stack, { categoryCode: 'y-te' });
    const officer = await token('officer', 'SO-YT');
    const { version } = await full(stack, officer, s.code);
    // VPUB chases the agency meanwhile: the officer's copy is now stale.
    await must(stack, coordinator, s.code, 'chase', {});
    const stale = await act(stack, officer, s.code, 'accept', {}, { ifMatch: version });
    expect(stale.status).toBe(412);
    expect(stale.json.error.code).toBe('version_mismatch');
    expect((await full(stack, coordinator, s.code)).status).toBe('assigned');
    const fresh = await act(stack, officer, s.code, 'accept');
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe(`"${fresh.json.version}"`);
  });
});
