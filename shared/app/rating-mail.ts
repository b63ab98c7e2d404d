/**
 * What rating puts into mails: the signed link in the sender's answer mail, and the notices VPUB
 * gets when a rating reopens a case or escalates it.
 *
 * The link carries `?ma=<code>&t=<token>`; the token is `<expiry>.<mac>`, the MAC an HMAC-SHA256
 * over a purpose label, the code and the expiry, so it rates that one case until the rating window
 * closes and is good for nothing else (no login, nothing stored). This module imports nothing from
 * `mail-templates.ts`, which registers the notices here: the two would otherwise import each other.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { toVnIso } from '../calendar/index.ts';
import type { Case } from '../domain/case.ts';
import {
  currentRating,
  RATING_LABELS,
  RATING_WINDOW_DAYS,
  REOPENED_TEMPLATE,
  REPEAT_ESCALATED_TEMPLATE,
  ratingClosesAt,
  ratingsOf,
} from '../domain/rating.ts';

/** Bumped if the token's layout ever changes, so old and new tokens can never be mistaken. */
const PURPOSE = 'pakn/rating-link/v1';
const TOKEN = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/;

const mac = (secret: string, code: string, exp: number): string =>
  createHmac('sha256', secret).update(`${PURPOSE}\n${code}\n${exp}`).digest('base64url');

/** A token that rates `code` until `expiresAt` (second precision). */
export function signRatingToken(secret: string, code: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${exp.toString(36)}.${mac(secret, code, exp)}`;
}

/**
 * Whether `token` was signed with `secret` for `code` and has not expired at `now`. The MAC is
 * computed and compared in constant time even for a malformed token, and one `false` answers every
 * failure (forged, expired, another case's, no secret configured): the caller learns nothing more.
 */
export function verifyRatingToken(secret: string | undefined, code: string, token: string, now: Date): boolean {
  const m = TOKEN.exec(token);
  const exp = m ? Number.parseInt(m[1] as string, 36) : 0;
  const expected = Buffer.from(mac(secret ?? '', code, exp));
  // Compared as text: a base64url string has spare bits, and a variant decoding to the same bytes is still refused.
  const given = Buffer.from(m?.[2] ?? '');
  const candidate = given.length === expected.length ? given : Buffer.alloc(expected.length);
  const same = timingSafeEqual(candidate, expected) && candidate === given;
  return Boolean(secret) && m !== null && same && exp * 1000 > now.getTime();
}

const base = (baseUrl: string): string => baseUrl.replace(/\/$/, '');

/** The tracking page opened on the case with the rating form, signed until the rating window closes. */
export function ratingLink(c: Pick<Case, 'code' | 'answer'>, baseUrl: string, secret: string): string | undefined {
  const closes = ratingClosesAt(c);
  if (!closes) return undefined;
  const token = signRatingToken(secret, c.code, closes);
  return `${base(baseUrl)}/tra-cuu.html?ma=${encodeURIComponent(c.code)}&t=${token}`;
}

const vnDay = (d: Date): string => {
  const [y, m, day] = toVnIso(d).slice(0, 10).split('-');
  return `${day}/${m}/${y}`;
};

/**
 * The paragraph of the answer mail inviting the sender to rate. Without a signing secret the mail
 * still invites, through the tracking page and the contact given at submission.
 */
export function ratingInvitation(c: Pick<Case, 'code' | 'answer'>, baseUrl: string, secret?: string): string {
  const closes = ratingClosesAt(c);
  if (!closes) return '';
  const link = secret ? ratingLink(c, baseUrl, secret) : undefined;
  const levels = 'Rất hài lòng, Hài lòng, Bình thường hoặc Chưa hài lòng';
  return [
    link
      ? `Ông/Bà vui lòng cho biết mức độ hài lòng với kết quả xử lý (${levels}) tại: ${link}`
      : `Ông/Bà vui lòng cho biết mức độ hài lòng với kết quả xử lý (${levels}) tại trang tra cứu ${base(baseUrl)}/tra-cuu.html?ma=${encodeURIComponent(c.code)}, nhập số điện thoại hoặc email đã dùng khi gửi.`,
    `${link ? 'Liên kết chỉ dùng để đánh giá phản ánh, kiến nghị này; ' : ''}Ông/Bà có thể đánh giá hoặc thay đổi đánh giá đến hết ngày ${vnDay(closes)} (${RATING_WINDOW_DAYS} ngày kể từ ngày trả lời). Nếu vấn đề chưa được giải quyết, xin chọn "Chưa hài lòng" và đánh dấu "Chưa được giải quyết" để cơ quan có thẩm quyền xem xét, xử lý lại.`,
  ].join('\n');
}

interface Rendered {
  subject: string;
  lines: string[];
}

const AUTOMATED = 'Đây là thư tự động, xin vui lòng không trả lời thư này.';
const TO_VPUB = 'Kính gửi Phòng Kiểm soát thủ tục hành chính, Văn phòng UBND tỉnh,';

const noteOf = (c: Case, action: string): string | undefined => c.history.findLast((h) => h.action === action)?.note;

/** The rating that set off the notice, with the sender's words (VPUB reads them; the agency does not). */
function ratingLines(c: Case): string[] {
  const r = currentRating(c) ?? ratingsOf(c).at(-1);
  if (!r) return [];
  return [
    `Đánh giá của người gửi: ${RATING_LABELS[r.level]}${r.unresolved ? ', chưa được giải quyết' : ''} (${vnDay(new Date(r.at))}).`,
    r.comment ? `Ý kiến của người gửi:\n${r.comment}` : '',
  ];
}

const consoleLine = (c: Case, baseUrl: string): string =>
  `Xem hồ sơ tại bàn làm việc cán bộ: ${base(baseUrl)}/console.html (mã ${c.code}).`;

/** The first "chưa được giải quyết": the case went back to its agency; VPUB follows it up. */
function reopened(c: Case, baseUrl: string): Rendered {
  return {
    subject: `Phản ánh, kiến nghị ${c.code} được xử lý lại theo đánh giá của người gửi`,
    lines: [
      TO_VPUB,
      `Người gửi phản ánh, kiến nghị "${c.title}" (mã ${c.code}) cho biết kết quả xử lý chưa giải quyết được vấn đề. Phản ánh, kiến nghị đã xử lý mà được gửi lại là trường hợp phải xem xét (Nghị định số 20/2008/NĐ-CP, Điều 17 khoản 3).`,
      ...ratingLines(c),
      noteOf(c, 'reopened') ?? '',
      consoleLine(c, baseUrl),
      AUTOMATED,
    ],
  };
}

/** A second "chưa được giải quyết" after the reopen: the case is VPUB's to decide. */
function escalated(c: Case, baseUrl: string): Rendered {
  return {
    subject: `Đề nghị xem xét: phản ánh, kiến nghị ${c.code} đã xử lý lại, người gửi vẫn chưa hài lòng`,
    lines: [
      TO_VPUB,
      `Phản ánh, kiến nghị "${c.title}" (mã ${c.code}) đã được chuyển lại cơ quan xử lý một lần theo đánh giá của người gửi. Sau khi có kết quả xử lý lại, người gửi tiếp tục cho biết vấn đề chưa được giải quyết.`,
      ...ratingLines(c),
      'Đề nghị Văn phòng UBND tỉnh xem xét, đôn đốc cơ quan xử lý hoặc báo cáo lãnh đạo UBND tỉnh theo thẩm quyền (Nghị định số 20/2008/NĐ-CP, Điều 17 khoản 3).',
      consoleLine(c, baseUrl),
      AUTOMATED,
    ],
  };
}

/** Registered in `renderMail`'s templates. */
export const RATING_TEMPLATES: Record<string, (c: Case, baseUrl: string) => Rendered> = {
  [REOPENED_TEMPLATE]: reopened,
  [REPEAT_ESCALATED_TEMPLATE]: escalated,
};
