/**
 * Mail texts (Vietnamese, plain text + HTML). Everything taken from a case is HTML-escaped: a
 * title typed by a citizen must never become markup in an officer's mail client.
 */
import type { Case } from '../domain/case.ts';
import type { Mail } from './ports.ts';

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
      'Đây là thư tự động, xin vui lòng không trả lời thư này.',
    ],
  };
}

const TEMPLATES: Record<string, (c: Case, baseUrl: string) => Rendered> = { ack };

export function renderMail(template: string, c: Case, to: string[], baseUrl: string): Mail {
  const render = TEMPLATES[template];
  if (!render) throw new Error(`unknown mail template ${template}`);
  const { subject, lines } = render(c, baseUrl);
  const kept = lines.filter(Boolean);
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${kept
    .map((l) => `<p>${escapeHtml(l)}</p>`)
    .join('')}</body></html>`;
  return { to, subject, text: `${kept.join('\n\n')}\n`, html };
}
