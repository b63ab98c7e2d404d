/**
 * zod schemas for every input the system accepts. Text is normalised to Unicode NFC and trimmed
 * (Vietnamese typed with different keyboards/IMEs must compare equal); nothing is stripped
 * silently: control characters or over-long text are refused with a message naming the field.
 * Messages are Vietnamese: they are shown to citizens and staff.
 */
import * as z from 'zod';
import { MAX_ATTACHMENTS } from './attachments.ts';
import { CONTENT_TYPES, KINDS, PRIORITIES } from './case.ts';
import { CODE_PATTERN } from './code.ts';

export const LIMITS = { title: 200, content: 10_000, name: 200, address: 500, reason: 2_000, answer: 10_000 } as const;

/**
 * C0 controls other than tab/newline/carriage return, DEL, C1 controls, and lone surrogates: text
 * that would break mails, exports or logs. Checked by code unit (a regex literal with control
 * ranges is exactly what linters rightly flag as a likely mistake).
 */
export function hasForbiddenChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

/** Trimmed NFC text of 1..max characters with no control characters. */
export const text = (label: string, max: number) =>
  z
    .string({ error: `${label}: phải là chuỗi ký tự.` })
    .refine((s) => !hasForbiddenChars(s), { message: `${label}: có ký tự điều khiển hoặc ký tự không hợp lệ.` })
    .transform((s) => s.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, { error: `${label}: không được để trống.` })
        .max(max, { error: `${label}: tối đa ${max} ký tự.` }),
    );

/** Vietnamese phone: mobile 0[35789]xxxxxxxx, landline 02xxxxxxxxx, or the +84 form; spaces/dots/dashes allowed. */
export const phone = z
  .string({ error: 'Số điện thoại: phải là chuỗi ký tự.' })
  .max(20, { error: 'Số điện thoại không hợp lệ.' })
  .transform((s) => s.replace(/[\s.-]/g, ''))
  .refine((s) => /^(?:\+84|0)(?:[35789]\d{8}|2\d{9})$/.test(s), {
    message: 'Số điện thoại không hợp lệ (ví dụ: 0912345678 hoặc +84912345678).',
  })
  .transform((s) => (s.startsWith('+84') ? `0${s.slice(3)}` : s));

export const email = z
  .string({ error: 'Email: phải là chuỗi ký tự.' })
  .trim()
  .max(254, { error: 'Email quá dài.' })
  .pipe(z.email({ error: 'Địa chỉ email không hợp lệ.' }))
  .transform((s) => s.toLowerCase());

const refCode = (label: string) =>
  z
    .string({ error: `${label}: phải là chuỗi ký tự.` })
    .regex(/^[A-Za-z0-9._-]{1,40}$/, { error: `${label}: mã không hợp lệ.` });

export const categoryCode = refCode('Lĩnh vực');
export const agencyId = refCode('Cơ quan');
export const localityCode = refCode('Địa bàn (mã đơn vị hành chính)');
export const procedureCode = refCode('Mã thủ tục hành chính');
export const caseCode = z.string().regex(CODE_PATTERN, { error: 'Mã phản ánh, kiến nghị không hợp lệ.' });

const kind = z.enum(KINDS, { error: 'Loại: chọn "phan_anh" (phản ánh) hoặc "kien_nghi" (kiến nghị).' });
const contentType = z.enum(CONTENT_TYPES, { error: 'Nội dung: chọn "hanh_vi" hoặc "quy_dinh".' });
const priority = z.enum(PRIORITIES, { error: 'Độ khẩn: chọn "normal" hoặc "khan".' });

/** `Date.parse` rolls 30/2 over to 2/3; a date must exist as written. */
const isRealDate = (ymd: string): boolean => {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

/** ISO 8601 instant with an explicit offset (or Z). */
export const instant = (label: string) =>
  z
    .string({ error: `${label}: phải là thời điểm ISO 8601.` })
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
      error: `${label}: phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-02-13T09:00:00+07:00.`,
    })
    .refine((s) => !Number.isNaN(Date.parse(s)) && isRealDate(s.slice(0, 10)), {
      message: `${label}: thời điểm không tồn tại.`,
    })
    .transform((s) => new Date(s));

/**
 * The sender (NĐ 20/2008 Đ.7): name, address, and a way to answer — phone or email. An anonymous
 * PAKN is not received.
 */
export const submitter = z
  .strictObject(
    {
      name: text('Họ và tên', LIMITS.name),
      address: text('Địa chỉ', LIMITS.address),
      phone: phone.optional(),
      email: email.optional(),
      organization: text('Tổ chức', LIMITS.name).optional(),
    },
    { error: 'Thông tin người gửi: bắt buộc (họ tên, địa chỉ, số điện thoại hoặc email).' },
  )
  .refine((s) => s.phone !== undefined || s.email !== undefined, {
    message: 'Cần ít nhất số điện thoại hoặc email để cơ quan trả lời.',
    path: ['phone'],
  });

/** An upload slot's id (`POST /v1/uploads`): 128 random bits, hex. */
export const uploadId = z
  .string({ error: 'Mã tệp đính kèm: phải là chuỗi ký tự.' })
  .regex(/^[0-9a-f]{32}$/, { error: 'Mã tệp đính kèm không hợp lệ.' });

/** `POST /v1/uploads` — what the browser says about a file before uploading it (checked again from its bytes). */
export const uploadRequest = z.strictObject({
  fileName: text('Tên tệp', 255),
  contentType: z.string({ error: 'Loại tệp: phải là chuỗi ký tự.' }).max(200, { error: 'Loại tệp không hợp lệ.' }),
  size: z.int({ error: 'Dung lượng tệp: số byte, số nguyên.' }).min(0, { error: 'Dung lượng tệp không hợp lệ.' }),
});
export type UploadRequest = z.infer<typeof uploadRequest>;

/** `POST /v1/cases` — the citizen web form. */
export const webSubmission = z.strictObject({
  kind,
  title: text('Tiêu đề', LIMITS.title),
  content: text('Nội dung', LIMITS.content),
  categoryCode: categoryCode.optional(),
  procedureCode: procedureCode.optional(),
  localityCode: localityCode.optional(),
  submitter,
  consent: z.literal(true, {
    error: 'Cần đồng ý cho cơ quan nhà nước sử dụng thông tin để xử lý phản ánh, kiến nghị.',
  }),
  /** Honeypot: a field people never see; bots fill it. */
  website: z.string().max(0, { error: 'Yêu cầu không hợp lệ.' }).optional(),
  /** Ids from `POST /v1/uploads`; each must have been checked clean before the case is received. */
  attachments: z
    .array(uploadId, { error: 'Tệp đính kèm: danh sách mã tệp.' })
    .max(MAX_ATTACHMENTS, { error: `Tệp đính kèm: tối đa ${MAX_ATTACHMENTS} tệp cho mỗi phản ánh, kiến nghị.` })
    .refine((ids) => new Set(ids).size === ids.length, { message: 'Tệp đính kèm: một tệp được gửi hai lần.' })
    .optional(),
});
export type WebSubmission = z.infer<typeof webSubmission>;

/** `POST /v1/hotline/calls` — an operator's faithful record of a call (Đ.7 k2). */
export const hotlineCall = z.strictObject({
  calledAt: instant('Thời điểm cuộc gọi'),
  caller: z.strictObject(
    {
      name: text('Họ và tên người gọi', LIMITS.name),
      phone,
      address: text('Địa chỉ người gọi', LIMITS.address).optional(),
    },
    { error: 'Thông tin người gọi: bắt buộc (họ tên, số điện thoại).' },
  ),
  content: text('Nội dung cuộc gọi', LIMITS.content),
  title: text('Tiêu đề', LIMITS.title).optional(),
  kind: kind.optional(),
  categoryCode: categoryCode.optional(),
  localityCode: localityCode.optional(),
  resolvedOnCall: z.strictObject({ answer: text('Nội dung trả lời', LIMITS.answer) }).optional(),
});
export type HotlineCall = z.infer<typeof hotlineCall>;

/** The national system's item, in its own vocabulary (architecture.md, "VPCP"). */
export const vpcpItem = z.strictObject({
  maPakn: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'maPakn: mã PAKN không hợp lệ.' }),
  tieuDe: text('tieuDe', LIMITS.title),
  noiDung: text('noiDung', LIMITS.content),
  linhVuc: categoryCode.optional(),
  donViTiepNhan: z.string().max(200).optional(),
  nguoiGui: z
    .strictObject({
      hoTen: text('nguoiGui.hoTen', LIMITS.name),
      diaChi: text('nguoiGui.diaChi', LIMITS.address),
      dienThoai: phone.optional(),
      email: email.optional(),
    })
    .refine((s) => s.dienThoai !== undefined || s.email !== undefined, {
      message: 'Cần số điện thoại hoặc email của người gửi.',
      path: ['dienThoai'],
    }),
  ngayGui: instant('ngayGui'),
  dinhKem: z
    .array(z.strictObject({ ten: text('dinhKem.ten', 255), url: z.url({ error: 'dinhKem.url: không hợp lệ.' }) }))
    .max(20)
    .optional(),
});
export type VpcpItem = z.infer<typeof vpcpItem>;

export const classifyInput = z.strictObject({
  kind,
  contentType,
  categoryCode,
  agencyId: agencyId.optional(),
  priority: priority.optional(),
});
export const reasonInput = z.strictObject({ reason: text('Lý do', LIMITS.reason) });
export const mergeInput = z.strictObject({ intoCode: caseCode });
export const extensionRequest = z.strictObject({
  workingDays: z.int({ error: 'Số ngày gia hạn: số nguyên.' }).min(1).max(60),
  reason: text('Lý do gia hạn', LIMITS.reason),
});
export const extensionDecision = z.strictObject({
  approve: z.boolean({ error: 'approve: true hoặc false.' }),
  workingDays: z.int().min(1).max(60).optional(),
  note: text('Ghi chú', LIMITS.reason).optional(),
});
export const resolveInput = z.strictObject({
  answer: text('Nội dung trả lời', LIMITS.answer),
  publish: z.boolean({ error: 'publish: true hoặc false.' }),
  internalNote: text('Ghi chú nội bộ', LIMITS.reason).optional(),
  /** Result documents: ids from `POST /v1/uploads`, checked clean; published with the answer when it is. */
  attachments: z
    .array(uploadId, { error: 'Văn bản kết quả: danh sách mã tệp.' })
    .max(MAX_ATTACHMENTS, { error: `Văn bản kết quả: tối đa ${MAX_ATTACHMENTS} tệp cho mỗi lần trả lời.` })
    .refine((ids) => new Set(ids).size === ids.length, { message: 'Văn bản kết quả: một tệp được gửi hai lần.' })
    .optional(),
});
export type ResolveInput = z.infer<typeof resolveInput>;
export const emptyInput = z.strictObject({});

/** `POST /v1/cases/{code}/reassign` — VPUB moves a forwarded case to another agency. */
export const reassignInput = z.strictObject({ agencyId, reason: text('Lý do chuyển', LIMITS.reason) });

/** A calendar date as written, YYYY-MM-DD, that exists. */
const day = (label: string) =>
  z
    .string({ error: `${label}: phải là ngày dạng YYYY-MM-DD.` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label}: phải là ngày dạng YYYY-MM-DD.` })
    .refine(isRealDate, { message: `${label}: ngày không tồn tại.` });

/**
 * `PUT /v1/admin/agencies/{id}` — one entry of the versioned directory. The id comes from the path;
 * a body that names one must name the same. `validTo` is exclusive: the first day it is no longer
 * in force.
 */
export const agencyInput = z
  .strictObject({
    id: agencyId.optional(),
    name: text('Tên cơ quan', LIMITS.name),
    level: z.enum(['province', 'commune'], { error: 'Cấp: "province" (cấp tỉnh) hoặc "commune" (cấp xã).' }),
    role: z.enum(['coordinator', 'leadership'], { error: 'Vai trò: "coordinator" hoặc "leadership".' }).optional(),
    vertical: z.boolean({ error: 'vertical: true hoặc false.' }).optional(),
    locality: localityCode.optional(),
    headEmail: email.optional(),
    focalEmail: email.optional(),
    predecessors: z.array(agencyId).max(20).optional(),
    successors: z.array(agencyId).max(20).optional(),
    validFrom: day('Hiệu lực từ ngày').optional(),
    validTo: day('Hết hiệu lực từ ngày').optional(),
  })
  .refine((a) => a.level !== 'commune' || a.locality !== undefined, {
    message: 'UBND cấp xã phải có mã địa bàn (locality).',
    path: ['locality'],
  })
  .refine((a) => !a.validFrom || !a.validTo || a.validFrom < a.validTo, {
    message: 'Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.',
    path: ['validTo'],
  });
