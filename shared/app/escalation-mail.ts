/**
 * Mails of the escalation ladder: the digest a recipient gets per scan, and the coordinator's
 * daily summary. Vietnamese, plain text + HTML. Every string that comes from a case (titles typed
 * by citizens, notes typed by staff) is HTML-escaped and has its line breaks folded in the text part.
 */
import type { Step } from '../domain/case.ts';
import { RECIPIENT_LABELS, type RecipientRole, STEP_LABELS } from '../domain/escalation.ts';
import type { Lateness } from '../sla/ladder.ts';
import { escapeHtml, vnDateTime } from './mail-templates.ts';
import type { Mail } from './ports.ts';

/** Where staff open a case: the console page, by tracking code. */
export const consoleUrl = (baseUrl: string, code: string): string =>
  `${baseUrl.replace(/\/$/, '')}/console.html?ma=${encodeURIComponent(code)}`;

/** One case in a digest or a summary. */
export interface CaseLine {
  code: string;
  title: string;
  agencyName: string;
  step: Step;
  dueAt: string;
  lateness: Lateness;
  /** Ladder level label, or the chase's (digests only). */
  label?: string;
  /** A coordinator's words on a chase. */
  note?: string;
}

/** Folds a citizen's line breaks and runs of spaces: a title stays one line in the text part. */
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

const hours = (h: number): string => String(Math.round(Math.abs(h) * 10) / 10).replace('.', ',');

/** "Quá hạn 3 ngày làm việc", "Quá hạn 2,5 giờ làm việc", "Còn 4 giờ làm việc", ... */
export function latenessText(l: Lateness): string {
  if (!l.overdue) return l.workingHours < 0 ? `Còn ${hours(l.workingHours)} giờ làm việc` : 'Đến hạn';
  if (l.workingDays >= 1) return `Quá hạn ${l.workingDays} ngày làm việc`;
  return l.workingHours > 0 ? `Quá hạn ${hours(l.workingHours)} giờ làm việc` : 'Đã đến hạn';
}

const byDue = (a: CaseLine, b: CaseLine): number => Date.parse(a.dueAt) - Date.parse(b.dueAt);

/** Agencies ordered by their most overdue case, cases most overdue first. */
function groupByAgency(lines: CaseLine[]): Array<[string, CaseLine[]]> {
  const groups = new Map<string, CaseLine[]>();
  for (const l of [...lines].sort(byDue)) groups.set(l.agencyName, [...(groups.get(l.agencyName) ?? []), l]);
  return [...groups];
}

function page(subject: string, body: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:Arial,sans-serif;font-size:14px">${body}</body></html>`;
}

const TABLE = '<table border="1" cellpadding="6" cellspacing="0" style="border-collapse:collapse">';
const th = (cells: string[]): string =>
  `<tr>${cells.map((c) => `<th align="left">${escapeHtml(c)}</th>`).join('')}</tr>`;

interface Columns {
  agency: boolean;
  level: boolean;
}

function caseRow(l: CaseLine, baseUrl: string, cols: Columns): string {
  const cells = [
    `<td><a href="${escapeHtml(consoleUrl(baseUrl, l.code))}">${escapeHtml(l.code)}</a></td>`,
    `<td>${escapeHtml(oneLine(l.title))}${l.note ? `<br><em>Ý kiến Văn phòng UBND tỉnh: ${escapeHtml(oneLine(l.note))}</em>` : ''}</td>`,
    ...(cols.agency ? [`<td>${escapeHtml(l.agencyName)}</td>`] : []),
    `<td>${escapeHtml(STEP_LABELS[l.step])}</td>`,
    `<td>${escapeHtml(vnDateTime(l.dueAt))}</td>`,
    `<td>${escapeHtml(latenessText(l.lateness))}</td>`,
    ...(cols.level ? [`<td>${escapeHtml(l.label ?? '')}</td>`] : []),
  ];
  return `<tr>${cells.join('')}</tr>`;
}

function caseText(l: CaseLine, n: number, baseUrl: string, cols: Columns): string {
  const facts = [
    ...(cols.agency ? [`Cơ quan: ${l.agencyName}`] : []),
    `Bước: ${STEP_LABELS[l.step]}`,
    `Hạn: ${vnDateTime(l.dueAt)}`,
    latenessText(l.lateness),
    ...(cols.level ? [`Mức: ${l.label ?? ''}`] : []),
  ];
  return [
    `${n}. ${l.code} — ${oneLine(l.title)}`,
    `   ${facts.join(' | ')}`,
    ...(l.note ? [`   Ý kiến Văn phòng UBND tỉnh: ${oneLine(l.note)}`] : []),
    `   Xem: ${consoleUrl(baseUrl, l.code)}`,
  ].join('\n');
}

const FOOTER =
  'Đây là thư tự động của Hệ thống tiếp nhận, xử lý phản ánh, kiến nghị; xin vui lòng không trả lời thư này.';

export interface DigestInput {
  to: string;
  roles: RecipientRole[];
  lines: CaseLine[];
  /** Every line is a coordinator's chase. */
  chase: boolean;
  now: Date;
  baseUrl: string;
}

/** One mail to one recipient listing every case they are told about in this run. */
export function renderDigest(d: DigestInput): Mail {
  const n = d.lines.length;
  const date = vnDateTime(d.now.toISOString()).slice(0, 10);
  const anyOverdue = d.lines.some((l) => l.lateness.overdue || l.lateness.workingHours >= 0);
  const subject = d.chase
    ? n === 1
      ? `[PAKN] Văn phòng UBND tỉnh đôn đốc xử lý phản ánh, kiến nghị ${d.lines[0]?.code ?? ''}`
      : `[PAKN] Văn phòng UBND tỉnh đôn đốc xử lý ${n} phản ánh, kiến nghị`
    : anyOverdue
      ? `[PAKN] Đôn đốc: ${n} phản ánh, kiến nghị đến hạn, quá hạn xử lý (${date})`
      : `[PAKN] Nhắc hạn: ${n} phản ánh, kiến nghị sắp đến hạn xử lý (${date})`;
  const greeting = `Kính gửi: ${d.roles.map((r) => RECIPIENT_LABELS[r]).join('; ')}.`;
  const intro = d.chase
    ? 'Văn phòng UBND tỉnh đề nghị khẩn trương xử lý, trả lời các phản ánh, kiến nghị dưới đây:'
    : `Tính đến ${vnDateTime(d.now.toISOString())}, các phản ánh, kiến nghị dưới đây sắp đến hạn hoặc đã quá hạn xử lý:`;
  const closing =
    'Đề nghị chỉ đạo xử lý, trả lời đúng hạn theo Nghị định 20/2008/NĐ-CP; trường hợp cần thêm thời gian, cơ quan xử lý đề nghị gia hạn trên hệ thống.';
  const groups = groupByAgency(d.lines);
  const cols: Columns = { agency: false, level: !d.chase };

  let counter = 0;
  const text = [
    greeting,
    intro,
    ...groups.map(
      ([agency, lines]) =>
        `■ ${agency} (${lines.length})\n${lines.map((l) => caseText(l, ++counter, d.baseUrl, cols)).join('\n')}`,
    ),
    closing,
    FOOTER,
  ].join('\n\n');
  const header = th(['Mã', 'Tiêu đề', 'Bước', 'Hạn xử lý', 'Tình trạng', ...(d.chase ? [] : ['Mức'])]);
  const html = page(
    subject,
    [
      `<p>${escapeHtml(greeting)}</p>`,
      `<p>${escapeHtml(intro)}</p>`,
      ...groups.map(
        ([agency, lines]) =>
          `<h3>${escapeHtml(agency)} (${lines.length})</h3>${TABLE}${header}${lines.map((l) => caseRow(l, d.baseUrl, cols)).join('')}</table>`,
      ),
      `<p>${escapeHtml(closing)}</p>`,
      `<p style="color:#666">${escapeHtml(FOOTER)}</p>`,
    ].join(''),
  );
  return { to: [d.to], subject, text: `${text}\n`, html };
}

export interface SummaryInput {
  to: string;
  now: Date;
  dueToday: number;
  overdue: number;
  overdueByAgency: Array<{ agencyName: string; count: number }>;
  mostOverdue: CaseLine[];
  /** Escalation mails that could not be delivered (permanent failures), for the coordinator to fix. */
  undelivered: Array<{ code: string; to: string; error: string }>;
  baseUrl: string;
}

const SUMMARY_COLUMNS: Columns = { agency: true, level: false };

/** The 07:30 summary to the VPUB coordinator desk. */
export function renderDailySummary(s: SummaryInput): Mail {
  const date = vnDateTime(s.now.toISOString()).slice(0, 10);
  const subject = `[PAKN] Tổng hợp hạn xử lý ngày ${date}: ${s.overdue} quá hạn, ${s.dueToday} đến hạn hôm nay`;
  const counts = [
    `Đến hạn trong ngày hôm nay: ${s.dueToday} phản ánh, kiến nghị.`,
    `Đang quá hạn: ${s.overdue} phản ánh, kiến nghị.`,
  ];
  const text = [
    `Kính gửi: ${RECIPIENT_LABELS.coordinator}.`,
    `Tình hình hạn xử lý phản ánh, kiến nghị lúc ${vnDateTime(s.now.toISOString())}:`,
    counts.join('\n'),
    s.overdueByAgency.length > 0
      ? `Quá hạn theo cơ quan:\n${s.overdueByAgency.map((a) => `- ${a.agencyName}: ${a.count}`).join('\n')}`
      : 'Không có phản ánh, kiến nghị nào quá hạn.',
    ...(s.mostOverdue.length > 0
      ? [
          `${s.mostOverdue.length} phản ánh, kiến nghị quá hạn lâu nhất:\n${s.mostOverdue
            .map((l, i) => caseText(l, i + 1, s.baseUrl, SUMMARY_COLUMNS))
            .join('\n')}`,
        ]
      : []),
    ...(s.undelivered.length > 0
      ? [
          `Thư đôn đốc không gửi được (cần kiểm tra địa chỉ trong danh bạ cơ quan):\n${s.undelivered
            .map((u) => `- ${u.code}: ${u.to} — ${oneLine(u.error)}`)
            .join('\n')}`,
        ]
      : []),
    FOOTER,
  ].join('\n\n');
  const html = page(
    subject,
    [
      `<p>${escapeHtml(`Kính gửi: ${RECIPIENT_LABELS.coordinator}.`)}</p>`,
      `<p>${escapeHtml(`Tình hình hạn xử lý phản ánh, kiến nghị lúc ${vnDateTime(s.now.toISOString())}:`)}</p>`,
      `<ul>${counts.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`,
      s.overdueByAgency.length > 0
        ? `<h3>Quá hạn theo cơ quan</h3>${TABLE}${th(['Cơ quan', 'Số quá hạn'])}${s.overdueByAgency
            .map((a) => `<tr><td>${escapeHtml(a.agencyName)}</td><td align="right">${a.count}</td></tr>`)
            .join('')}</table>`
        : `<p>${escapeHtml('Không có phản ánh, kiến nghị nào quá hạn.')}</p>`,
      s.mostOverdue.length > 0
        ? `<h3>${escapeHtml(`${s.mostOverdue.length} phản ánh, kiến nghị quá hạn lâu nhất`)}</h3>${TABLE}${th([
            'Mã',
            'Tiêu đề',
            'Cơ quan',
            'Bước',
            'Hạn xử lý',
            'Tình trạng',
          ])}${s.mostOverdue.map((l) => caseRow(l, s.baseUrl, SUMMARY_COLUMNS)).join('')}</table>`
        : '',
      s.undelivered.length > 0
        ? `<h3>${escapeHtml('Thư đôn đốc không gửi được')}</h3>${TABLE}${th(['Mã', 'Người nhận', 'Lỗi'])}${s.undelivered
            .map(
              (u) =>
                `<tr><td>${escapeHtml(u.code)}</td><td>${escapeHtml(u.to)}</td><td>${escapeHtml(oneLine(u.error))}</td></tr>`,
            )
            .join('')}</table>`
        : '',
      `<p style="color:#666">${escapeHtml(FOOTER)}</p>`,
    ].join(''),
  );
  return { to: [s.to], subject, text: `${text}\n`, html };
}
