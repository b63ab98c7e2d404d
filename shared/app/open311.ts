/**
 * Open311 GeoReport v2 over PAKN, for the apps that already speak it: each lĩnh vực (category) is a
 * service, each case a service request. Reading is public and shows what the public tracking view
 * shows, never the sender or their text; filing needs an API key and goes through the web channel
 * with every rule the web form has (NĐ 20/2008 Đ.7: name, address, phone or email, content, consent).
 */
import * as z from 'zod';
import { toVnIso } from '../calendar/index.ts';
import { type Case, type CaseStatus, currentDeadline, isFinal, isOverdue } from '../domain/case.ts';
import { isCaseCode } from '../domain/code.ts';
import type { Category } from '../domain/directory.ts';
import { DomainError, type FieldIssue } from '../domain/errors.ts';
import { instant, webSubmission } from '../domain/schemas.ts';
import { parseInput } from '../domain/validation.ts';
import { idempotencyKey, submitWebCase, summarise } from './channels.ts';
import { type AppDeps, type ReferenceData, referenceData } from './context.ts';
import type { IntakeResult } from './intake.ts';
import { authorizeOpen311Key } from './open311-keys.ts';
import type { Open311Deps } from './open311-ports.ts';

/** The response formats GeoReport v2 defines; the client picks one with the resource's suffix. */
export const OPEN311_FORMATS = ['json', 'xml'] as const;
export type Open311Format = (typeof OPEN311_FORMATS)[number];

/** What `GET requests.json` returns at most, and the widest date range it accepts (days). */
export const MAX_REQUESTS = 1000;
export const MAX_RANGE_DAYS = 90;
const MAX_IDS = 100;
const DAY_MS = 86_400_000;

/**
 * The response documents as zod schemas: the types below are inferred from them and the OpenAPI
 * description shows them, so the code and the published description cannot drift apart.
 */
const nullableText = z.string().nullable();

export const open311ServiceSchema = z.object({
  service_code: z.string(),
  service_name: z.string(),
  description: z.string(),
  /** Always true: every service takes the attributes of its service definition. */
  metadata: z.boolean(),
  type: z.enum(['realtime', 'batch', 'blackbox']),
  keywords: z.string(),
  group: z.string(),
});
export type Open311Service = z.infer<typeof open311ServiceSchema>;

export const open311AttributeSchema = z.object({
  /** `false`: shown to the person filing, never submitted. */
  variable: z.boolean(),
  code: z.string(),
  datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
  required: z.boolean(),
  datatype_description: nullableText,
  order: z.int(),
  description: z.string(),
  values: z.array(z.object({ key: z.string(), name: z.string() })).optional(),
});
export type Open311Attribute = z.infer<typeof open311AttributeSchema>;

export const open311ServiceDefinitionSchema = z.object({
  service_code: z.string(),
  attributes: z.array(open311AttributeSchema),
});
export type Open311ServiceDefinition = z.infer<typeof open311ServiceDefinitionSchema>;

/**
 * A case as a service request. Fields the standard has but the public may not see (the sender's
 * text and address) or that PAKN does not hold (coordinates, media) are present and empty.
 */
export const open311ServiceRequestSchema = z.object({
  service_request_id: z.string(),
  status: z.enum(['open', 'closed']),
  status_notes: nullableText,
  service_name: nullableText,
  service_code: nullableText,
  description: z.null(),
  agency_responsible: nullableText,
  service_notice: nullableText,
  requested_datetime: z.string(),
  updated_datetime: z.string(),
  expected_datetime: nullableText,
  address: z.null(),
  address_id: z.null(),
  zipcode: z.null(),
  lat: z.null(),
  long: z.null(),
  media_url: z.null(),
});
export type Open311ServiceRequest = z.infer<typeof open311ServiceRequestSchema>;

export const open311ReceiptSchema = z.object({
  service_request_id: z.string(),
  service_notice: z.string(),
  account_id: z.null(),
});
export type Open311Receipt = z.infer<typeof open311ReceiptSchema>;

const STATUS_NOTICE: Record<CaseStatus, string> = {
  received: 'Đã tiếp nhận; đang phân loại để chuyển cơ quan có thẩm quyền xử lý.',
  assigned: 'Đã chuyển cơ quan có thẩm quyền xử lý.',
  in_progress: 'Cơ quan có thẩm quyền đang xử lý.',
  resolved: 'Đã có kết quả xử lý.',
  rejected: 'Không tiếp nhận; người gửi đã được hướng dẫn.',
  duplicate: 'Trùng nội dung với phản ánh, kiến nghị đã gửi trước.',
};

const fieldError = (kind: 'validation' | 'not_found', code: string, field: string, message: string) =>
  new DomainError(kind, code, message, [{ field, message }]);

/** One endpoint, one jurisdiction: the province's code (e.g. `QNG`), in any letter case, or none. */
export function checkJurisdiction(deps: AppDeps, jurisdictionId: string | undefined): void {
  if (jurisdictionId === undefined || jurisdictionId === '') return;
  const ours = deps.settings.provinceCode;
  if (jurisdictionId.trim().toUpperCase() !== ours) {
    throw fieldError(
      'not_found',
      'jurisdiction_not_found',
      'jurisdiction_id',
      `jurisdiction_id: không có trên hệ thống này; hệ thống chỉ phục vụ jurisdiction_id "${ours}".`,
    );
  }
}

// --- services -------------------------------------------------------------------------------------

function serviceOf(c: Category, ref: ReferenceData): Open311Service {
  return {
    service_code: c.code,
    service_name: c.name,
    description: `Phản ánh, kiến nghị về quy định hành chính, thủ tục hành chính thuộc lĩnh vực ${c.name}.`,
    metadata: true,
    type: 'realtime',
    keywords: c.name.toLocaleLowerCase('vi'),
    group: ref.agencies.find((a) => a.id === c.agency)?.name ?? 'Khác',
  };
}

/** `GET services.[format]`: the lĩnh vực, by Vietnamese name. */
export async function open311Services(deps: AppDeps, query: Record<string, string>, now: Date) {
  checkJurisdiction(deps, query.jurisdiction_id);
  const ref = await referenceData(deps.reference, now);
  return [...ref.categories].sort((a, b) => a.name.localeCompare(b.name, 'vi')).map((c) => serviceOf(c, ref));
}

/**
 * The attributes every service takes. Their codes are the web form's field names, so a client
 * that reads the service definition fills the same fields a citizen fills on the form.
 */
export function serviceAttributes(ref: Pick<ReferenceData, 'localities'>): Open311Attribute[] {
  return [
    {
      variable: false,
      code: 'huong_dan',
      datatype: 'text',
      required: false,
      datatype_description: null,
      order: 1,
      description:
        'Theo Nghị định 20/2008/NĐ-CP, phản ánh, kiến nghị phải ghi rõ: họ và tên người gửi (last_name là họ, ' +
        'first_name là tên), địa chỉ (address_string), số điện thoại (phone) hoặc email, nội dung (description) ' +
        'và sự đồng ý cho cơ quan nhà nước sử dụng thông tin để xử lý (attribute[consent]).',
    },
    {
      variable: true,
      code: 'consent',
      datatype: 'singlevaluelist',
      required: true,
      datatype_description: null,
      order: 2,
      description: 'Người gửi đồng ý cho cơ quan nhà nước sử dụng thông tin cá nhân để xử lý phản ánh, kiến nghị.',
      values: [{ key: 'true', name: 'Đồng ý' }],
    },
    {
      variable: true,
      code: 'kind',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: 'Mặc định: phan_anh.',
      order: 3,
      description: 'Loại: phản ánh (nêu vấn đề) hay kiến nghị (kèm đề xuất giải pháp).',
      values: [
        { key: 'phan_anh', name: 'Phản ánh' },
        { key: 'kien_nghi', name: 'Kiến nghị' },
      ],
    },
    {
      variable: true,
      code: 'title',
      datatype: 'string',
      required: false,
      datatype_description: 'Tối đa 200 ký tự; mặc định là câu đầu của nội dung.',
      order: 4,
      description: 'Tiêu đề phản ánh, kiến nghị.',
    },
    {
      variable: true,
      code: 'localityCode',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: null,
      order: 5,
      description: 'Xã, phường nơi phát sinh sự việc (để chuyển đúng UBND cấp xã khi thuộc thẩm quyền cấp xã).',
      values: ref.localities.map((l) => ({ key: l.code, name: l.name })),
    },
    {
      variable: true,
      code: 'procedureCode',
      datatype: 'string',
      required: false,
      datatype_description: 'Mã thủ tục hành chính trên Cổng Dịch vụ công quốc gia.',
      order: 6,
      description: 'Thủ tục hành chính liên quan (nếu có).',
    },
    {
      variable: true,
      code: 'organization',
      datatype: 'string',
      required: false,
      datatype_description: 'Tối đa 200 ký tự.',
      order: 7,
      description: 'Tên tổ chức, doanh nghiệp gửi (nếu người gửi đại diện cho tổ chức).',
    },
  ];
}

/** `GET services/{service_code}.[format]`. */
export async function open311ServiceDefinition(
  deps: AppDeps,
  serviceCode: string,
  query: Record<string, string>,
  now: Date,
): Promise<Open311ServiceDefinition> {
  checkJurisdiction(deps, query.jurisdiction_id);
  const ref = await referenceData(deps.reference, now);
  if (!ref.categories.some((c) => c.code === serviceCode)) {
    throw fieldError(
      'not_found',
      'service_not_found',
      'service_code',
      'service_code: không có dịch vụ (lĩnh vực) với mã này.',
    );
  }
  return { service_code: serviceCode, attributes: serviceAttributes(ref) };
}

// --- reading requests -----------------------------------------------------------------------------

/** A case as the public may see it (the same allow-list as the public tracking view). */
export function toServiceRequest(c: Case, ref: ReferenceData, now: Date): Open311ServiceRequest {
  const category = c.categoryCode ? ref.categories.find((x) => x.code === c.categoryCode) : undefined;
  const agency = c.agencyId ? ref.agencies.find((a) => a.id === c.agencyId) : undefined;
  const updated = c.history.reduce(
    (latest, h) => (Date.parse(h.at) > Date.parse(latest) ? h.at : latest),
    c.receivedAt,
  );
  const closed = isFinal(c.status);
  return {
    service_request_id: c.code,
    status: closed ? 'closed' : 'open',
    status_notes: c.published && c.answer ? c.answer.text : null,
    service_name: category?.name ?? null,
    service_code: c.categoryCode ?? null,
    description: null,
    agency_responsible: agency?.name ?? c.agencyId ?? null,
    service_notice: `${STATUS_NOTICE[c.status]}${isOverdue(c, now) ? ' Đã quá hạn xử lý.' : ''}`,
    requested_datetime: c.receivedAt,
    updated_datetime: updated,
    expected_datetime: closed ? null : (currentDeadline(c)?.dueAt ?? null),
    address: null,
    address_id: null,
    zipcode: null,
    lat: null,
    long: null,
    media_url: null,
  };
}

const requestNotFound = () =>
  fieldError(
    'not_found',
    'not_found',
    'service_request_id',
    'service_request_id: không tìm thấy phản ánh, kiến nghị với mã này.',
  );

/** `GET requests/{service_request_id}.[format]`: unknown and malformed ids answer alike. */
export async function open311Request(
  deps: AppDeps,
  id: string,
  query: Record<string, string>,
  now: Date,
): Promise<Open311ServiceRequest[]> {
  checkJurisdiction(deps, query.jurisdiction_id);
  const c = await deps.cases.get(isCaseCode(id) ? id : 'INVALID-00-000000');
  if (!c || !isCaseCode(id)) throw requestNotFound();
  return [toServiceRequest(c, await referenceData(deps.reference, now), now)];
}

const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

interface RequestFilter {
  from: number;
  /** Inclusive, as the standard's `end_date` is. */
  to: number;
  serviceCodes: string[];
  statuses: Array<'open' | 'closed'>;
}

const dateRange = z.object({ start_date: instant('start_date').optional(), end_date: instant('end_date').optional() });

function parseFilter(query: Record<string, string>, now: Date): RequestFilter {
  const dates = parseInput(dateRange, {
    start_date: query.start_date || undefined,
    end_date: query.end_date || undefined,
  });
  const start = dates.start_date?.getTime();
  const end = dates.end_date?.getTime();
  const to = end ?? (start !== undefined ? Math.min(start + MAX_RANGE_DAYS * DAY_MS, now.getTime()) : now.getTime());
  const from = start ?? to - MAX_RANGE_DAYS * DAY_MS;
  if (from > to) {
    throw fieldError('validation', 'invalid_range', 'end_date', 'end_date: phải sau start_date.');
  }
  if (to - from > MAX_RANGE_DAYS * DAY_MS) {
    throw fieldError(
      'validation',
      'range_too_wide',
      'start_date',
      `start_date, end_date: khoảng thời gian tra cứu tối đa ${MAX_RANGE_DAYS} ngày.`,
    );
  }
  const statuses = list(query.status);
  const bad = statuses.find((s) => s !== 'open' && s !== 'closed');
  if (bad !== undefined) {
    throw fieldError(
      'validation',
      'invalid_status',
      'status',
      'status: chỉ nhận open, closed (phân cách bằng dấu phẩy).',
    );
  }
  return { from, to, serviceCodes: list(query.service_code), statuses: statuses as Array<'open' | 'closed'> };
}

/**
 * Cases received in the range that pass `keep`, newest first, at most `max`. The period index is
 * read a month at a time from the newest month back, so a full page never reads older months.
 */
async function newestReceived(
  deps: AppDeps,
  range: { from: number; to: number },
  keep: (c: Case) => boolean,
  max: number,
): Promise<Case[]> {
  const out: Case[] = [];
  let end = range.to + 1;
  while (end > range.from && out.length < max) {
    const monthStart = Date.parse(`${toVnIso(new Date(end - 1)).slice(0, 7)}-01T00:00:00+07:00`);
    const start = Math.max(monthStart, range.from);
    const month: Case[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.cases.listReceived(new Date(start).toISOString(), new Date(end).toISOString(), {
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      month.push(...page.items.filter(keep));
      cursor = page.cursor;
    } while (cursor);
    out.push(...month.reverse());
    end = start;
  }
  return out.slice(0, max);
}

/**
 * `GET requests.[format]`.
 * 1. `service_request_id` (comma separated) names the requests and overrides every other filter.
 * 2. Otherwise: received between `start_date` and `end_date` (by default the last 90 days, never a
 *    wider range), of the `service_code`s and `status`es asked, newest first, at most 1000.
 */
export async function open311Requests(
  deps: AppDeps,
  query: Record<string, string>,
  now: Date,
): Promise<Open311ServiceRequest[]> {
  checkJurisdiction(deps, query.jurisdiction_id);
  const ids = list(query.service_request_id);
  if (ids.length > MAX_IDS) {
    throw fieldError(
      'validation',
      'too_many_ids',
      'service_request_id',
      `service_request_id: tối đa ${MAX_IDS} mã mỗi lần tra cứu.`,
    );
  }
  const ref = await referenceData(deps.reference, now);
  if (ids.length > 0) {
    const found = await Promise.all([...new Set(ids)].filter(isCaseCode).map((id) => deps.cases.get(id)));
    return found.filter((c): c is Case => c !== undefined).map((c) => toServiceRequest(c, ref, now));
  }
  const filter = parseFilter(query, now);
  const keep = (c: Case) =>
    (filter.serviceCodes.length === 0 || filter.serviceCodes.includes(c.categoryCode ?? '')) &&
    (filter.statuses.length === 0 || filter.statuses.includes(isFinal(c.status) ? 'closed' : 'open'));
  const cases = await newestReceived(deps, filter, keep, MAX_REQUESTS);
  return cases.map((c) => toServiceRequest(c, ref, now));
}

// --- filing a request -----------------------------------------------------------------------------

const one = (name: string) => z.string({ error: `${name}: chỉ nhận một giá trị dạng chuỗi ký tự.` });
const coordinate = (name: string, limit: number) =>
  one(name).refine((s) => /^-?\d{1,3}(\.\d{1,12})?$/.test(s.trim()) && Math.abs(Number(s)) <= limit, {
    message: `${name}: phải là số thập phân trong khoảng -${limit}..${limit} (WGS84).`,
  });

/**
 * `POST requests.[format]`, form-encoded as GeoReport v2 says. The standard's own fields; the
 * service's attributes arrive as `attribute[<code>]` and are checked against its definition.
 */
export const open311RequestForm = z
  .object({
    api_key: one('api_key'),
    jurisdiction_id: one('jurisdiction_id').optional(),
    service_code: one('service_code').min(1, { error: 'service_code: bắt buộc (mã lĩnh vực, xem services.json).' }),
    lat: coordinate('lat', 90).optional(),
    long: coordinate('long', 180).optional(),
    address_string: one('address_string').optional(),
    address_id: one('address_id').optional(),
    email: one('email').optional(),
    device_id: one('device_id').optional(),
    account_id: one('account_id').optional(),
    first_name: one('first_name').optional(),
    last_name: one('last_name').optional(),
    phone: one('phone').optional(),
    description: one('description').optional(),
    media_url: z
      .url({ protocol: /^https?$/, error: 'media_url: phải là địa chỉ http(s) hợp lệ.' })
      .max(2000, { error: 'media_url: tối đa 2000 ký tự.' })
      .optional(),
  })
  .catchall(z.union([z.string(), z.array(z.string())]));
export type Open311RequestForm = z.infer<typeof open311RequestForm>;
export type FormFields = Record<string, string | string[]>;

const ATTRIBUTE_KEY = /^attribute\[([^\]]*)\](\[\])?$/;

/** The `attribute[...]` fields, checked against the service definition; every problem is reported. */
function parseAttributes(form: FormFields, defs: Open311Attribute[]): Record<string, string> {
  const out: Record<string, string> = {};
  const issues: FieldIssue[] = [];
  for (const [field, raw] of Object.entries(form)) {
    if (!field.startsWith('attribute')) continue;
    const m = ATTRIBUTE_KEY.exec(field);
    const def = m ? defs.find((d) => d.code === m[1] && d.variable) : undefined;
    if (!def) {
      issues.push({
        field,
        message: `${field}: thuộc tính không có trong định nghĩa dịch vụ (services/{service_code}.json).`,
      });
      continue;
    }
    const value = Array.isArray(raw) || m?.[2] ? undefined : raw.trim();
    if (value === undefined) {
      issues.push({ field, message: `${field}: chỉ nhận một giá trị.` });
    } else if (def.values && !def.values.some((v) => v.key === value)) {
      issues.push({ field, message: `${field}: giá trị không có trong danh sách của định nghĩa dịch vụ.` });
    } else if (value !== '') {
      out[def.code] = value;
    }
  }
  for (const def of defs) {
    const field = `attribute[${def.code}]`;
    if (def.required && out[def.code] === undefined && !issues.some((i) => i.field === field)) {
      issues.push({ field, message: `${field}: bắt buộc. ${def.description}` });
    }
  }
  if (issues.length > 0) throw invalidRequest(issues);
  return out;
}

const invalidRequest = (fields: FieldIssue[]) =>
  new DomainError(
    'validation',
    'validation_failed',
    `Chưa tiếp nhận: thông tin chưa hợp lệ hoặc còn thiếu (${[...new Set(fields.map((f) => f.field))].join(', ')}).`,
    fields,
  );

/** Where each field of the web form comes from in an Open311 request. */
const OPEN311_FIELD: Record<string, string> = {
  kind: 'attribute[kind]',
  title: 'attribute[title]',
  content: 'description',
  categoryCode: 'service_code',
  procedureCode: 'attribute[procedureCode]',
  localityCode: 'attribute[localityCode]',
  consent: 'attribute[consent]',
  submitter: 'last_name, first_name, address_string, phone, email',
  'submitter.name': 'last_name, first_name',
  'submitter.address': 'address_string',
  'submitter.phone': 'phone',
  'submitter.email': 'email',
  'submitter.organization': 'attribute[organization]',
};

/**
 * File a request.
 * 1. The API key: present, valid, not revoked, within its per-minute limit (403 / 429).
 * 2. The form: the standard's fields, the jurisdiction, a known `service_code`, the attributes of
 *    its service definition.
 * 3. Map onto the web form (`last_name first_name` is the Vietnamese họ và tên, `address_string`
 *    the sender's address) and validate with the web form's own schema, naming the Open311 fields.
 * 4. Register it as a web case; with an `Idempotency-Key`, a retry by the same key gets the same case.
 */
export async function submitOpen311Request(
  deps: Open311Deps,
  raw: FormFields,
  idempotencyHeader: string | undefined,
  now: Date,
): Promise<IntakeResult> {
  const key = await authorizeOpen311Key(deps, typeof raw.api_key === 'string' ? raw.api_key : undefined, now);
  const form = parseInput(open311RequestForm, raw);
  checkJurisdiction(deps, form.jurisdiction_id);
  const ref = await referenceData(deps.reference, now);
  if (!ref.categories.some((c) => c.code === form.service_code)) {
    throw invalidRequest([
      { field: 'service_code', message: 'service_code: không có dịch vụ (lĩnh vực) với mã này; xem services.json.' },
    ]);
  }
  const attrs = parseAttributes(raw, serviceAttributes(ref));
  if ((form.lat === undefined) !== (form.long === undefined)) {
    throw invalidRequest([{ field: 'lat, long', message: 'lat, long: phải gửi cả vĩ độ và kinh độ.' }]);
  }
  const description = form.description?.trim() ?? '';
  const content = description
    ? [
        description,
        ...(form.lat && form.long ? [`Vị trí (vĩ độ, kinh độ): ${form.lat.trim()}, ${form.long.trim()}`] : []),
        ...(form.media_url ? [`Hình ảnh, tệp đính kèm: ${form.media_url}`] : []),
      ].join('\n\n')
    : '';
  const name = [form.last_name, form.first_name]
    .map((s) => s?.trim())
    .filter(Boolean)
    .join(' ');
  const draft = {
    kind: attrs.kind ?? 'phan_anh',
    title: attrs.title ?? summarise(description),
    content,
    categoryCode: form.service_code,
    ...(attrs.procedureCode ? { procedureCode: attrs.procedureCode } : {}),
    ...(attrs.localityCode ? { localityCode: attrs.localityCode } : {}),
    submitter: {
      name,
      address: form.address_string ?? '',
      ...(form.phone ? { phone: form.phone } : {}),
      ...(form.email ? { email: form.email } : {}),
      ...(attrs.organization ? { organization: attrs.organization } : {}),
    },
    consent: attrs.consent === 'true',
  };
  let input: z.output<typeof webSubmission>;
  try {
    input = parseInput(webSubmission, draft);
  } catch (e) {
    if (!(e instanceof DomainError) || !e.fields) throw e;
    const fields = e.fields
      // A title derived from a missing description is the description's problem, reported once.
      .filter((f) => f.field !== 'title' || attrs.title !== undefined)
      .map((f) => ({
        field: f.field === 'submitter.phone' && !form.phone ? 'phone, email' : (OPEN311_FIELD[f.field] ?? f.field),
        message: f.message,
      }));
    throw invalidRequest(fields);
  }
  const idem = idempotencyKey(idempotencyHeader);
  return submitWebCase(deps, input, idem ? `open311:${key.id}:${idem}` : undefined, now);
}

/** The answer to a filed request: our tracking code is the `service_request_id`. */
export function open311Receipt(c: Case): Open311Receipt[] {
  return [
    {
      service_request_id: c.code,
      service_notice: `${STATUS_NOTICE[c.status]} Mã tra cứu: ${c.code}.`,
      account_id: null,
    },
  ];
}
