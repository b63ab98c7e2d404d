/**
 * Escalation through the local stack: cases created and moved through the HTTP API at chosen
 * times, `deadline-scan` / `daily-summary` run with chosen event times, digests read back from the
 * SES local store. Times cross Tết 2026, weekends and the make-up Saturday 22/8/2026.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestStack } from '../../support/stack.ts';
import {
  accept,
  clockAt,
  forward,
  fullCase,
  openCase,
  recipientsOf,
  runJob,
  type StoredMail,
  startTriageStack,
  storedMails,
} from './support.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTriageStack();
});
afterAll(async () => {
  vi.useRealTimers();
  await stack?.close();
});

/** Run the scan at `time` and return the mails it sent. */
async function scan(time: string): Promise<StoredMail[]> {
  const before = (await storedMails(stack)).length;
  await runJob(stack, 'deadline-scan', time);
  return (await storedMails(stack)).slice(before);
}

const VPUB_DESK = 'kstthc@quangngai.example';
const CHANH_VP = 'chanhvanphong@quangngai.example';
const CHU_TICH = 'chutich@quangngai.example';

describe('classify step over Tết 2026 (VPUB’s own deadline)', () => {
  let code: string;

  beforeAll(async () => {
    // Fri 13/2 09:00: 5 working days → Fri 27/2 17:00 (Tết 14/2–22/2 does not count).
    code = await openCase(stack, '2026-02-13T09:00:00+07:00', 'Đề nghị giải đáp thắc mắc của công dân');
    expect((await fullCase(stack, code)).dueAt).toBe('2026-02-27T17:00:00+07:00');
  });

  it('sends nothing over Tết or before the reminder', async () => {
    for (const t of ['2026-02-13T17:00:00+07:00', '2026-02-18T10:00:00+07:00', '2026-02-22T17:00:00+07:00']) {
      expect(recipientsOf(await scan(t), code), t).toEqual([]);
    }
    expect(recipientsOf(await scan('2026-02-26T16:45:00+07:00'), code)).toEqual([]);
  });

  it('reminds the VPUB desk 1 working day before, then at due the Chánh VP and the desk', async () => {
    const reminder = await scan('2026-02-26T17:00:00+07:00');
    expect(recipientsOf(reminder, code)).toEqual([VPUB_DESK]);
    expect(reminder.find((m) => m.body.text.includes(code))?.subject).toBe(
      '[PAKN] Nhắc hạn: 1 phản ánh, kiến nghị sắp đến hạn xử lý (26/02/2026)',
    );
    expect(recipientsOf(await scan('2026-02-27T17:00:00+07:00'), code)).toEqual([CHANH_VP, VPUB_DESK]);
  });

  it('a second run at the same time sends nothing new', async () => {
    const report = await runJob(stack, 'deadline-scan', '2026-02-27T17:00:00+07:00');
    expect(report).toMatchObject({ escalated: 0, mails: { sent: 0, retry: 0, failed: 0 } });
    expect(recipientsOf(await scan('2026-02-27T17:00:00+07:00'), code)).toEqual([]);
  });

  it('goes to the Chánh VP at due + 3 and the Chủ tịch at due + 5 working days, then stops', async () => {
    expect(recipientsOf(await scan('2026-03-04T16:59:00+07:00'), code)).toEqual([]);
    expect(recipientsOf(await scan('2026-03-04T17:00:00+07:00'), code)).toEqual([CHANH_VP]);
    expect(recipientsOf(await scan('2026-03-06T17:00:00+07:00'), code)).toEqual([CHU_TICH]);
    expect(recipientsOf(await scan('2026-03-31T17:00:00+07:00'), code)).toEqual([]);
    const c = await fullCase(stack, code);
    expect(c.history.filter((h: any) => h.action === 'escalated')).toHaveLength(4);
    expect(c.history.filter((h: any) => h.action === 'escalation_sent')).toHaveLength(5);
    expect(c.mails.filter((m: any) => m.template === 'escalation').every((m: any) => m.status === 'sent')).toBe(true);
  });
});

describe('handle step of an agency across the make-up Saturday 22/8/2026', () => {
  let code: string;
  const title = 'Đường <b>Quang Trung</b> ngập & "hỏng"';

  beforeAll(async () => {
    code = await openCase(stack, '2026-08-10T08:00:00+07:00', title);
    await forward(stack, code, 'SO-NNMT', '2026-08-10T09:00:00+07:00');
    const c = await accept(stack, code, 'SO-NNMT', '2026-08-10T10:00:00+07:00');
    // 10 working days from Mon 10/8 end on the make-up Saturday.
    expect(c.dueAt).toBe('2026-08-22T17:00:00+07:00');
  });

  it('reminds the agency’s focal officer on Friday 21/8', async () => {
    expect(recipientsOf(await scan('2026-08-21T16:45:00+07:00'), code)).toEqual([]);
    expect(recipientsOf(await scan('2026-08-21T17:00:00+07:00'), code)).toEqual(['pakn.snnmt@quangngai.example']);
  });

  it('at due on the make-up Saturday: the agency head and the VPUB desk, each one digest', async () => {
    const mails = await scan('2026-08-22T17:00:00+07:00');
    expect(recipientsOf(mails, code)).toEqual(['giamdoc.snnmt@quangngai.example', VPUB_DESK]);
    const head = mails.find((m) => m.destination.to.includes('giamdoc.snnmt@quangngai.example'))!;
    expect(head.subject).toBe('[PAKN] Đôn đốc: 1 phản ánh, kiến nghị đến hạn, quá hạn xử lý (22/08/2026)');
    expect(head.body.text).toContain('Kính gửi: Thủ trưởng cơ quan xử lý.');
    expect(head.body.text).toContain('■ Sở Nông nghiệp và Môi trường (1)');
    expect(head.body.text).toContain(`${code} — ${title}`);
    expect(head.body.text).toContain('Bước: Xử lý, trả lời | Hạn: 22/08/2026 17:00 | Đến hạn | Mức: Đến hạn');
    expect(head.body.text).toContain(`/console.html?ma=${code}`);
    expect(head.body.html).toContain('Đường &lt;b&gt;Quang Trung&lt;/b&gt; ngập &amp; &quot;hỏng&quot;');
    expect(head.body.html).not.toContain('<b>Quang');
  });

  it('counts the make-up Saturday and skips the weekend: Chánh VP on Wed 26/8, Chủ tịch on Fri 28/8', async () => {
    expect(recipientsOf(await scan('2026-08-23T17:00:00+07:00'), code)).toEqual([]);
    expect(recipientsOf(await scan('2026-08-25T17:00:00+07:00'), code)).toEqual([]);
    const chanh = await scan('2026-08-26T17:00:00+07:00');
    expect(recipientsOf(chanh, code)).toEqual([CHANH_VP]);
    expect(chanh[0]?.body.text).toContain('Quá hạn 3 ngày làm việc');
    expect(recipientsOf(await scan('2026-08-28T17:00:00+07:00'), code)).toEqual([CHU_TICH]);
  });

  it('records every step and delivery in the case history', async () => {
    const c = await fullCase(stack, code);
    const sent = c.history.filter((h: any) => h.action === 'escalation_sent').map((h: any) => h.note);
    expect(sent).toHaveLength(5);
    expect(sent.join('\n')).toContain('giamdoc.snnmt@quangngai.example');
  });
});

describe('chase now', () => {
  let code: string;

  beforeAll(async () => {
    // Forwarded Mon 5/10 09:00: acknowledge (8 working hours) due Tue 6/10 09:30.
    code = await openCase(stack, '2026-10-05T08:00:00+07:00', 'Chậm trả lời kiến nghị về cấp nước sạch');
    await forward(stack, code, 'SO-XD', '2026-10-05T09:00:00+07:00');
  });

  it('mails the agency head at once and records it', async () => {
    clockAt('2026-10-06T10:00:00+07:00');
    const before = (await storedMails(stack)).length;
    const r = await stack.api('POST', `/v1/cases/${code}/chase`, {
      token: await stack.token('coordinator'),
      body: { note: 'Đề nghị tiếp nhận và báo cáo trong ngày.' },
    });
    expect(r.status, r.text).toBe(200);
    const mails = (await storedMails(stack)).slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.destination.to).toEqual(['giamdoc.sxd@quangngai.example']);
    expect(mails[0]?.subject).toBe(`[PAKN] Văn phòng UBND tỉnh đôn đốc xử lý phản ánh, kiến nghị ${code}`);
    expect(mails[0]?.body.text).toContain('Ý kiến Văn phòng UBND tỉnh: Đề nghị tiếp nhận và báo cáo trong ngày.');
    expect(r.json.history.map((h: any) => h.action).slice(-2)).toEqual(['chased', 'escalation_sent']);
    expect(r.json.mails.at(-1)).toMatchObject({ template: 'chase', status: 'sent' });
    expect(r.headers.get('etag')).toBe(`"${r.json.version}"`);
  });

  it('is refused to officers (403), on a case VPUB still holds (409), on an unknown code (404)', async () => {
    clockAt('2026-10-06T10:05:00+07:00');
    const officer = await stack.token('officer', 'SO-XD');
    expect((await stack.api('POST', `/v1/cases/${code}/chase`, { token: officer, body: {} })).status).toBe(403);
    const received = await openCase(stack, '2026-10-06T10:05:00+07:00', 'Hỏi về lịch tiếp công dân');
    clockAt('2026-10-06T10:06:00+07:00');
    const coordinator = await stack.token('coordinator');
    const conflict = await stack.api('POST', `/v1/cases/${received}/chase`, { token: coordinator, body: {} });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.message).toContain('received');
    expect((await stack.api('POST', '/v1/cases/QNG-26-ZZZZZZ/chase', { token: coordinator, body: {} })).status).toBe(
      404,
    );
    expect(
      (await stack.api('POST', `/v1/cases/${code}/chase`, { token: coordinator, body: { note: '', extra: 1 } })).status,
    ).toBe(422);
  });

  it('honours If-Match', async () => {
    clockAt('2026-10-06T10:10:00+07:00');
    const stale = await stack.api('POST', `/v1/cases/${code}/chase`, {
      token: await stack.token('coordinator'),
      body: {},
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
  });
});

describe('daily summary to the VPUB coordinator', () => {
  beforeAll(async () => {
    // Wed 30/9 09:00: classify due Wed 7/10 17:00, i.e. due on the summary's day.
    await openCase(stack, '2026-09-30T09:00:00+07:00', 'Đề nghị hướng dẫn thủ tục');
  });

  it('sends once at 07:30 on a working day: due today, overdue by agency, the most overdue', async () => {
    const before = (await storedMails(stack)).length;
    expect(await runJob(stack, 'daily-summary', '2026-10-07T06:00:00+07:00')).toEqual({
      status: 'skipped',
      reason: 'too_early',
    });
    expect(await runJob(stack, 'daily-summary', '2026-10-07T07:30:00+07:00')).toEqual({
      status: 'sent',
      dueToday: 1,
      overdue: 3,
    });
    const mails = (await storedMails(stack)).slice(before);
    expect(mails).toHaveLength(1);
    const [summary] = mails;
    expect(summary?.destination.to).toEqual([VPUB_DESK]);
    expect(summary?.subject).toBe('[PAKN] Tổng hợp hạn xử lý ngày 07/10/2026: 3 quá hạn, 1 đến hạn hôm nay');
    const text = summary?.body.text ?? '';
    for (const agency of ['Văn phòng UBND tỉnh', 'Sở Nông nghiệp và Môi trường', 'Sở Xây dựng']) {
      expect(text).toContain(`- ${agency}: 1`);
    }
    // Most overdue first: the Tết case (since February), the August case, then the one chased.
    const order = ['Đề nghị giải đáp thắc mắc của công dân', 'Quang Trung', 'cấp nước sạch'].map((t) =>
      text.indexOf(t),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toContain('Quá hạn 30 ngày làm việc');
    expect(summary?.body.html).toContain('Đường &lt;b&gt;Quang Trung&lt;/b&gt;');
  });

  it('also brings a reference snapshot that fell behind its items up to date', async () => {
    // A reference write cut short between its item and the snapshot (the deferring store skips the
    // snapshot exactly as such a write would), then the next day's summary.
    const agency = { id: 'SO-THU', name: 'Sở Thử nghiệm', role: 'department' };
    await stack.store
      .deferringSnapshot()
      .putReference('agencies', agency.id, agency, 0, 'admin', '2026-10-07T08:00:00+07:00');
    expect((await stack.store.referenceSnapshot()).agencies.map((e) => e.id)).not.toContain(agency.id);
    expect(await runJob(stack, 'daily-summary', '2026-10-08T07:30:00+07:00')).toMatchObject({ status: 'sent' });
    expect((await stack.store.referenceSnapshot()).agencies.map((e) => e.id)).toContain(agency.id);
  });

  it('does not send twice the same day, nor on a weekend', async () => {
    expect(await runJob(stack, 'daily-summary', '2026-10-07T07:45:00+07:00')).toEqual({
      status: 'skipped',
      reason: 'already_sent',
    });
    expect(await runJob(stack, 'daily-summary', '2026-10-10T07:30:00+07:00')).toEqual({
      status: 'skipped',
      reason: 'non_working_day',
    });
  });
});
