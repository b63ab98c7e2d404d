/**
 * Digest and summary mails: Vietnamese, text + HTML, grouped by agency with the most overdue first,
 * and nothing a citizen typed can become markup.
 */
import { describe, expect, it } from 'vitest';
import { type CaseLine, latenessText, renderDailySummary, renderDigest } from '../../../shared/app/escalation-mail.ts';

const now = new Date('2026-03-19T17:00:00+07:00');
const BASE = 'https://pakn.quangngai.example/';

const line = (over: Partial<CaseLine>): CaseLine => ({
  code: 'QNG-26-AAAAAA',
  title: 'Đường Quang Trung ngập úng',
  agencyName: 'Sở Xây dựng',
  step: 'handle',
  dueAt: '2026-03-16T17:00:00+07:00',
  lateness: { overdue: true, workingDays: 3, workingHours: 22.5 },
  label: 'Quá hạn 3 ngày làm việc',
  ...over,
});

describe('escalation digest', () => {
  const lines = [
    line({
      code: 'QNG-26-XD0002',
      dueAt: '2026-03-18T17:00:00+07:00',
      lateness: { overdue: true, workingDays: 1, workingHours: 7.5 },
    }),
    line({ code: 'QNG-26-NN0001', agencyName: 'Sở Nông nghiệp và Môi trường', dueAt: '2026-03-12T17:00:00+07:00' }),
    line({ code: 'QNG-26-XD0001', dueAt: '2026-03-13T17:00:00+07:00' }),
  ];
  const mail = renderDigest({
    to: 'chanhvanphong@quangngai.example',
    roles: ['coordinator_head'],
    lines,
    chase: false,
    now,
    baseUrl: BASE,
  });

  it('has a Vietnamese subject with the count and the date', () => {
    expect(mail.to).toEqual(['chanhvanphong@quangngai.example']);
    expect(mail.subject).toBe('[PAKN] Đôn đốc: 3 phản ánh, kiến nghị đến hạn, quá hạn xử lý (19/03/2026)');
    expect(mail.subject.normalize('NFC')).toBe(mail.subject);
  });

  it('groups by agency, the agency with the most overdue case first, cases most overdue first', () => {
    const order = (s: string) =>
      ['Sở Nông nghiệp và Môi trường (1)', 'Sở Xây dựng (2)', 'QNG-26-NN0001', 'QNG-26-XD0001', 'QNG-26-XD0002'].map(
        (k) => s.indexOf(k),
      );
    for (const body of [mail.text, mail.html]) {
      const positions = order(body);
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect(positions.slice(2)).toEqual([...positions.slice(2)].sort((a, b) => a - b));
      expect(positions[0]).toBeLessThan(positions[1]!);
    }
  });

  it('gives step, due date, working days overdue, level and the console link for each case', () => {
    expect(mail.text).toContain('Kính gửi: Chánh Văn phòng UBND tỉnh.');
    expect(mail.text).toContain(
      'Bước: Xử lý, trả lời | Hạn: 12/03/2026 17:00 | Quá hạn 3 ngày làm việc | Mức: Quá hạn 3 ngày làm việc',
    );
    expect(mail.text).toContain('Xem: https://pakn.quangngai.example/console.html?ma=QNG-26-NN0001');
    expect(mail.html).toContain('<a href="https://pakn.quangngai.example/console.html?ma=QNG-26-NN0001">');
    expect(mail.html).toMatch(/^<!doctype html><html lang="vi"><head><meta charset="utf-8">/);
  });

  it('escapes every case-derived string in HTML and keeps a title on one line in text', () => {
    const evil = renderDigest({
      to: 'x@quangngai.example',
      roles: ['agency_head'],
      lines: [
        line({
          title: '<img src=x onerror="alert(1)">\n& "Tiêu đề" \'lạ\'',
          agencyName: 'Sở <b>Giả</b>',
          note: '<script>alert(2)</script>',
          label: 'Văn phòng UBND tỉnh đôn đốc',
        }),
      ],
      chase: true,
      now,
      baseUrl: BASE,
    });
    expect(evil.html).not.toMatch(/<img|<script|<b>/);
    expect(evil.html).toContain(
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;Tiêu đề&quot; &#39;lạ&#39;',
    );
    expect(evil.html).toContain('Sở &lt;b&gt;Giả&lt;/b&gt;');
    expect(evil.text).toContain('QNG-26-AAAAAA — <img src=x onerror="alert(1)"> & "Tiêu đề" \'lạ\'');
    expect(evil.subject).toBe('[PAKN] Văn phòng UBND tỉnh đôn đốc xử lý phản ánh, kiến nghị QNG-26-AAAAAA');
    expect(evil.text).toContain('Ý kiến Văn phòng UBND tỉnh: <script>alert(2)</script>');
  });

  it('calls a digest of reminders only a reminder', () => {
    const reminder = renderDigest({
      to: 'pakn.sxd@quangngai.example',
      roles: ['agency_focal'],
      lines: [
        line({ dueAt: '2026-03-20T17:00:00+07:00', lateness: { overdue: false, workingDays: 0, workingHours: -7.5 } }),
      ],
      chase: false,
      now,
      baseUrl: BASE,
    });
    expect(reminder.subject).toBe('[PAKN] Nhắc hạn: 1 phản ánh, kiến nghị sắp đến hạn xử lý (19/03/2026)');
    expect(reminder.text).toContain('Còn 7,5 giờ làm việc');
  });
});

describe('lateness wording', () => {
  it('reads naturally before, at and after the deadline', () => {
    expect(latenessText({ overdue: false, workingDays: 0, workingHours: -3 })).toBe('Còn 3 giờ làm việc');
    expect(latenessText({ overdue: false, workingDays: 0, workingHours: 0 })).toBe('Đến hạn');
    expect(latenessText({ overdue: true, workingDays: 0, workingHours: 0 })).toBe('Đã đến hạn');
    expect(latenessText({ overdue: true, workingDays: 0, workingHours: 2.5 })).toBe('Quá hạn 2,5 giờ làm việc');
    expect(latenessText({ overdue: true, workingDays: 5, workingHours: 37.5 })).toBe('Quá hạn 5 ngày làm việc');
  });
});

describe('daily summary', () => {
  it('reports counts, overdue by agency, the most overdue and undelivered escalations, escaped', () => {
    const mail = renderDailySummary({
      to: 'kstthc@quangngai.example',
      now: new Date('2026-03-20T07:30:00+07:00'),
      dueToday: 4,
      overdue: 3,
      overdueByAgency: [
        { agencyName: 'Sở Xây dựng', count: 2 },
        { agencyName: 'Sở Y tế', count: 1 },
      ],
      mostOverdue: [line({ title: 'A <b>bold</b> title' })],
      undelivered: [{ code: 'QNG-26-AAAAAA', to: 'sai@quangngai.example', error: 'MessageRejected: <x>' }],
      baseUrl: BASE,
    });
    expect(mail.subject).toBe('[PAKN] Tổng hợp hạn xử lý ngày 20/03/2026: 3 quá hạn, 4 đến hạn hôm nay');
    expect(mail.text).toContain('Đến hạn trong ngày hôm nay: 4 phản ánh, kiến nghị.');
    expect(mail.text).toContain('- Sở Xây dựng: 2');
    expect(mail.text).toContain('Cơ quan: Sở Xây dựng | Bước: Xử lý, trả lời');
    expect(mail.text).toContain('- QNG-26-AAAAAA: sai@quangngai.example — MessageRejected: <x>');
    expect(mail.html).not.toMatch(/<b>bold|<x>/);
    expect(mail.html).toContain('MessageRejected: &lt;x&gt;');
  });
});
