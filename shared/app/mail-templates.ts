/**
 * Mail texts (Vietnamese, plain text + HTML). Everything taken from a case is HTML-escaped: a
 * title typed by a citizen must never become markup in an officer's mail client.
 */
import type { Case } from '../domain/case.ts';
import type { Mail } from './ports.ts';
import { RATING_TEMPLATES, ratingInvitation } from './rating-mail.ts';

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/** dd/mm/yyyy hh:mm in Vietnam time. */
export function vnDateTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

export const trackingUrl = (baseUrl: string, code: string): string =>
  `${baseUrl.replace(/\/$/, '')}/tra-cuu.html?ma=${encodeURIComponent(code)}`;

interface Rendered {
  subject: string;
  lines: string[];
}

/** The latest history note of an action (the coordinator's reason, the redirect message). */
const noteOf = (c: Case, action: string): string | undefined => c.history.findLast((h) => h.action === action)?.note;

const vnDay = (iso: string): string => vnDateTime(iso).slice(0, 10);

const formUrl = (baseUrl: string): string => `${baseUrl.replace(/\/$/, '')}/`;

const AUTOMATED = 'Đây là thư tự động, xin vui lòng không trả lời thư này.';

function ack(c: Case, baseUrl: string): Rendered {
  const classify = c.deadlines.find((d) => d.step === 'classify');
  return {
    subject: `Đã tiếp nhận phản ánh, kiến nghị ${c.code}`,
    lines: [
      `Kính gửi ${c.submitter.name},`,
      `Hệ thống đã tiếp nhận phản ánh, kiến nghị "${c.title}" của Ông/Bà lúc ${vnDateTime(c.receivedAt)}.`,
      `Mã tra cứu: ${c.code}`,
      `Theo dõi tình hình xử lý tại: ${trackingUrl(baseUrl, c.code)}`,
      classify
        ? `Phản ánh, kiến nghị sẽ được phân loại và chuyển đến cơ quan có thẩm quyền chậm nhất ngày ${vnDateTime(classify.dueAt).slice(0, 10)}.`
        : '',
      AUTOMATED,
    ],
  };
}

/**
 * Không tiếp nhận: the sender is told why and how to resubmit (NĐ 20/2008 Đ.7, Đ.9 k1); an item
 * flagged out of scope also gets the channel it belongs to (khiếu nại, tố cáo, hòa giải).
 */
function rejected(c: Case, baseUrl: string): Rendered {
  const reason = noteOf(c, 'rejected');
  const redirect = c.flags.includes('out_of_scope') ? noteOf(c, 'out_of_scope_flagged') : undefined;
  return {
    subject: `Phản ánh, kiến nghị ${c.code} không được tiếp nhận`,
    lines: [
      `Kính gửi ${c.submitter.name},`,
      `Phản ánh, kiến nghị "${c.title}" Ông/Bà gửi lúc ${vnDateTime(c.receivedAt)} (mã ${c.code}) không được tiếp nhận để xử lý.`,
      reason ? `Lý do: ${reason}` : '',
      redirect ?? '',
      [
        'Để được tiếp nhận, phản ánh, kiến nghị cần:',
        '- viết bằng tiếng Việt;',
        '- ghi rõ họ tên, địa chỉ và số điện thoại hoặc địa chỉ thư điện tử của người gửi để cơ quan trả lời;',
        '- nêu rõ nội dung phản ánh, kiến nghị về quy định hành chính, thủ tục hành chính, hoặc về hành vi của cơ quan, cán bộ, công chức khi thực hiện quy định hành chính (Nghị định số 20/2008/NĐ-CP).',
      ].join('\n'),
      `Ông/Bà có thể bổ sung thông tin theo hướng dẫn trên và gửi lại phản ánh, kiến nghị mới tại: ${formUrl(baseUrl)}`,
      AUTOMATED,
    ],
  };
}

/** Merged into an original: the sender follows the original's code (a duplicate is never rejected, Đ.17 k3). */
function merged(c: Case, baseUrl: string): Rendered {
  const into = c.duplicateOf ?? '';
  return {
    subject: `Phản ánh, kiến nghị ${c.code} được gộp với phản ánh, kiến nghị ${into}`,
    lines: [
      `Kính gửi ${c.submitter.name},`,
      `Phản ánh, kiến nghị "${c.title}" của Ông/Bà (mã ${c.code}) có cùng nội dung với phản ánh, kiến nghị mã ${into} đang được xem xét, xử lý. Hai phản ánh, kiến nghị được gộp để xử lý chung; Ông/Bà không cần gửi lại.`,
      `Vui lòng theo dõi kết quả xử lý theo mã ${into} tại: ${trackingUrl(baseUrl, into)}`,
      AUTOMATED,
    ],
  };
}

/** Extension approved: the citizen is told the new date (domain.md, "Workflow and deadlines"). */
function extensionApproved(c: Case, baseUrl: string): Rendered {
  const handle = c.deadlines.find((d) => d.step === 'handle');
  return {
    subject: `Gia hạn thời gian xử lý phản ánh, kiến nghị ${c.code}`,
    lines: [
      `Kính gửi ${c.submitter.name},`,
      `Cơ quan xử lý phản ánh, kiến nghị "${c.title}" của Ông/Bà (mã ${c.code}) được gia hạn ${c.extension?.workingDays ?? ''} ngày làm việc để xem xét, xử lý.`,
      handle ? `Thời hạn trả lời mới: chậm nhất ngày ${vnDay(handle.dueAt)}.` : '',
      `Theo dõi tình hình xử lý tại: ${trackingUrl(baseUrl, c.code)}`,
      AUTOMATED,
    ],
  };
}

/** The answer, sent to the sender whether or not it is published (an official reply, Đ.19). */
function answer(c: Case, baseUrl: string, opts: MailOptions): Rendered {
  return {
    subject: `Kết quả xử lý phản ánh, kiến nghị ${c.code}`,
    lines: [
      `Kính gửi ${c.submitter.name},`,
      `Phản ánh, kiến nghị "${c.title}" của Ông/Bà (mã ${c.code}) đã có kết quả xử lý${c.answer ? ` ngày ${vnDay(c.answer.at)}` : ''}.`,
      c.answer ? `Nội dung trả lời:\n${c.answer.text}` : '',
      c.published
        ? `Kết quả được công khai tại trang tra cứu (không kèm thông tin cá nhân của Ông/Bà): ${trackingUrl(baseUrl, c.code)}`
        : `Tra cứu tình hình xử lý tại: ${trackingUrl(baseUrl, c.code)}`,
      ratingInvitation(c, baseUrl, opts.ratingLinkSecret),
      AUTOMATED,
    ],
  };
}

/** What some templates need besides the case: the key that signs the answer mail's rating link. */
export interface MailOptions {
  ratingLinkSecret?: string;
}

const TEMPLATES: Record<string, (c: Case, baseUrl: string, opts: MailOptions) => Rendered> = {
  ...RATING_TEMPLATES,
  ack,
  rejected,
  merged,
  extension_approved: extensionApproved,
  answer,
};

export function renderMail(template: string, c: Case, to: string[], baseUrl: string, opts: MailOptions = {}): Mail {
  const render = TEMPLATES[template];
  if (!render) throw new Error(`unknown mail template ${template}`);
  const { subject, lines } = render(c, baseUrl, opts);
  const kept = lines.filter(Boolean);
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${kept
    .map((l) => `<p>${escapeHtml(l).replace(/\n/g, '<br>')}</p>`)
    .join('')}</body></html>`;
  return { to, subject, text: `${kept.join('\n\n')}\n`, html };
}
