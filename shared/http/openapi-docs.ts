/**
 * What the route table cannot say about each route: a summary, the zod schema its handler validates
 * the body with (the very object, imported from where the handler imports it), its parameters and
 * Vietnamese examples. Keyed `METHOD path` exactly as in `infra/routes.ts`; `openapi.ts` refuses a
 * route without an entry here and an entry without a route.
 */
import * as z from 'zod';
import { routingSettingsInput } from '../app/directory-admin.ts';
import { AGEING_BUCKETS } from '../app/monitor.ts';
import {
  MAX_RANGE_DAYS,
  MAX_REQUESTS,
  open311ReceiptSchema,
  open311RequestForm,
  open311ServiceDefinitionSchema,
  open311ServiceRequestSchema,
  open311ServiceSchema,
  serviceAttributes,
} from '../app/open311.ts';
import { open311KeyInput } from '../app/open311-keys.ts';
import { CONTENT_TYPES as REPORT_FILE_TYPES, REPORT_FORMATS } from '../app/report-formats.ts';
import { calendarYearSchema } from '../calendar/index.ts';
import { CHANNELS, STATUSES } from '../domain/case.ts';
import { chaseInput } from '../domain/escalation.ts';
import { callerRatingInput, ratingRequest } from '../domain/rating.ts';
import {
  agencyId,
  agencyInput,
  caseCode,
  categoryCode,
  classifyInput,
  emptyInput,
  extensionDecision,
  extensionRequest,
  hotlineCall,
  mergeInput,
  reasonInput,
  reassignInput,
  resolveInput,
  uploadId,
  uploadRequest,
  vpcpItem,
  webSubmission,
} from '../domain/schemas.ts';
import { slaPolicySchema } from '../sla/policy.ts';
import type { Open311Root } from './open311-format.ts';

type Json = Record<string, unknown>;

export interface ParamDoc {
  description: string;
  schema: z.ZodType;
  example?: unknown;
}

export interface QueryDoc extends ParamDoc {
  name: string;
  required?: boolean;
}

export interface RouteDoc {
  tag: string;
  summary: string;
  description?: string;
  /** Who may call, when the route's access kind alone does not say it (Open311's api_key). */
  access?: string;
  /** JSON body: the schema object the handler validates with, under a component name. */
  body?: { name: string; schema: z.ZodType; example: unknown };
  /** Form-encoded body (Open311). */
  form?: { name: string; schema: z.ZodType; example: Record<string, string> };
  params?: Record<string, ParamDoc>;
  query?: QueryDoc[];
  headers?: Array<'Idempotency-Key' | 'If-Match' | 'X-Signature'>;
  response: {
    status: number;
    description: string;
    example?: unknown;
    /** Response schema, where one exists as zod. */
    schema?: z.ZodType;
    /** Media type → media type object, for routes that answer with files. */
    files?: Record<string, Json>;
  };
  /** Statuses beyond those the access kind and the body imply (401/403, 400/413/415/422). */
  errors?: number[];
  /** Open311 routes: the document's root element; responses and errors follow GeoReport v2. */
  open311?: Open311Root;
  /** Set only by the generator, for a route nobody has described yet. */
  undescribed?: boolean;
}

const TAG = {
  public: 'Công dân (công khai)',
  hotline: 'Tổng đài',
  vpcp: 'Hệ thống PAKN quốc gia (VPCP)',
  coordinator: 'Điều phối (Văn phòng UBND tỉnh)',
  agency: 'Cơ quan xử lý',
  admin: 'Quản trị',
  docs: 'Tài liệu API',
  open311: 'Open311 GeoReport v2',
} as const;

// --- examples ---------------------------------------------------------------------------------------

const CODE = 'QNG-26-7KQ4MX';
const RECEIVED = '2026-02-13T09:00:00+07:00';

const SUBMITTER = {
  name: 'Trần Thị Kiểm',
  address: 'Tổ 3, phường Cẩm Thành',
  phone: '0900000456',
  email: 'kiem.tran@example.com',
};

const WEB_CASE = {
  kind: 'phan_anh',
  title: 'Chậm cấp giấy chứng nhận quyền sử dụng đất',
  content:
    'Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại bộ phận một cửa từ tháng 7 nhưng đến nay chưa nhận được kết quả.',
  categoryCode: 'dat-dai',
  localityCode: 'X003',
  submitter: SUBMITTER,
  consent: true,
};

const INTAKE_RESULT = {
  code: CODE,
  status: 'assigned',
  receivedAt: RECEIVED,
  dueAt: '2026-02-24T17:00:00+07:00',
};

const FULL_VIEW = {
  code: CODE,
  channel: 'web',
  status: 'in_progress',
  kind: 'phan_anh',
  contentType: 'hanh_vi',
  categoryCode: 'dat-dai',
  localityCode: 'X003',
  agencyId: 'SO-NNMT',
  priority: 'normal',
  title: WEB_CASE.title,
  content: WEB_CASE.content,
  submitter: SUBMITTER,
  receivedAt: RECEIVED,
  dueAt: '2026-03-13T17:00:00+07:00',
  overdue: false,
  deadlines: [
    { step: 'classify', dueAt: '2026-02-27T17:00:00+07:00', metAt: RECEIVED },
    { step: 'acknowledge', dueAt: '2026-02-24T17:00:00+07:00', metAt: '2026-02-23T10:15:00+07:00' },
    { step: 'handle', dueAt: '2026-03-13T17:00:00+07:00' },
  ],
  flags: [],
  duplicates: [],
  published: false,
  version: 4,
  history: [
    { at: RECEIVED, actor: 'citizen', action: 'received' },
    { at: RECEIVED, actor: 'system', action: 'forwarded', note: 'Quy tắc mặc định của lĩnh vực Đất đai → SO-NNMT' },
    { at: '2026-02-23T10:15:00+07:00', actor: 'can-bo-snnmt', action: 'accepted' },
  ],
  mails: [{ id: 'ack-1', template: 'ack', status: 'sent', attempts: 1, sentAt: RECEIVED }],
};

const { dueAt: _running, ...FULL_VIEW_WITHOUT_DEADLINE } = FULL_VIEW;
const RESOLVED_VIEW = {
  ...FULL_VIEW_WITHOUT_DEADLINE,
  status: 'resolved',
  answer: {
    text: 'Sở Nông nghiệp và Môi trường đã kiểm tra; hồ sơ được giải quyết và trả kết quả ngày 05/3/2026.',
    at: '2026-03-05T15:30:00+07:00',
    by: 'can-bo-snnmt',
  },
  published: true,
  version: 5,
};

const UPLOAD_ID = '9f2c4e7a1b3d5f60718293a4b5c6d7e8';
const RESULT_DOCUMENT = {
  id: UPLOAD_ID,
  fileName: 'Công văn trả lời số 125-SNNMT.pdf',
  contentType: 'application/pdf',
  size: 182344,
};

const PUBLIC_VIEW = {
  code: CODE,
  status: 'resolved',
  kind: 'phan_anh',
  categoryCode: 'dat-dai',
  agency: { id: 'SO-NNMT', name: 'Sở Nông nghiệp và Môi trường' },
  receivedAt: RECEIVED,
  overdue: false,
  answer: { text: RESOLVED_VIEW.answer.text, at: RESOLVED_VIEW.answer.at },
  resultDocuments: [{ ...RESULT_DOCUMENT, path: `/v1/cases/${CODE}/result-documents/${UPLOAD_ID}` }],
  history: [
    { action: 'received', at: RECEIVED },
    { action: 'forwarded', at: RECEIVED },
    { action: 'accepted', at: '2026-02-23T10:15:00+07:00' },
    { action: 'resolved', at: '2026-03-05T15:30:00+07:00' },
  ],
};

const CASE_SUMMARY = {
  code: CODE,
  channel: 'web',
  status: 'assigned',
  kind: 'phan_anh',
  categoryCode: 'dat-dai',
  agencyId: 'SO-NNMT',
  priority: 'normal',
  title: WEB_CASE.title,
  receivedAt: RECEIVED,
  step: 'acknowledge',
  dueAt: '2026-02-24T17:00:00+07:00',
  overdue: false,
  flags: [],
  published: false,
  version: 2,
};

const REFERENCE_ITEM = (kind: string, id: string, value: unknown) => ({
  kind,
  id,
  value,
  version: 2,
  changes: [{ at: '2026-01-05T08:30:00+07:00', actor: 'quan-tri-vien', after: value }],
});

const SERVICE_REQUEST_OPEN = {
  service_request_id: CODE,
  status: 'open',
  status_notes: null,
  service_name: 'Đất đai',
  service_code: 'dat-dai',
  description: null,
  agency_responsible: 'Sở Nông nghiệp và Môi trường',
  service_notice: 'Cơ quan có thẩm quyền đang xử lý.',
  requested_datetime: RECEIVED,
  updated_datetime: '2026-02-23T10:15:00+07:00',
  expected_datetime: '2026-03-13T17:00:00+07:00',
  address: null,
  address_id: null,
  zipcode: null,
  lat: null,
  long: null,
  media_url: null,
};

const SERVICE_REQUEST_CLOSED = {
  ...SERVICE_REQUEST_OPEN,
  service_request_id: 'QNG-26-9PX3TD',
  status: 'closed',
  status_notes: RESOLVED_VIEW.answer.text,
  service_notice: 'Đã có kết quả xử lý.',
  updated_datetime: RESOLVED_VIEW.answer.at,
  expected_datetime: null,
};

const SERVICES = [
  {
    service_code: 'dat-dai',
    service_name: 'Đất đai',
    description: 'Phản ánh, kiến nghị về quy định hành chính, thủ tục hành chính thuộc lĩnh vực Đất đai.',
    metadata: true,
    type: 'realtime',
    keywords: 'đất đai',
    group: 'Sở Nông nghiệp và Môi trường',
  },
  {
    service_code: 'ho-tich',
    service_name: 'Hộ tịch',
    description: 'Phản ánh, kiến nghị về quy định hành chính, thủ tục hành chính thuộc lĩnh vực Hộ tịch.',
    metadata: true,
    type: 'realtime',
    keywords: 'hộ tịch',
    group: 'Sở Tư pháp',
  },
];

/** The example is the real definition (first attributes, sample communes), so it cannot drift from the code. */
const SERVICE_DEFINITION = {
  service_code: 'dat-dai',
  attributes: serviceAttributes({ localities: [{ code: 'X003', name: 'Xã Sơn Hà' }] })
    .filter((a) => a.variable)
    .slice(0, 3),
};

// --- parameters -------------------------------------------------------------------------------------

const CODE_PARAM: ParamDoc = { description: 'Mã tra cứu phản ánh, kiến nghị.', schema: caseCode, example: CODE };
const JURISDICTION: QueryDoc = {
  name: 'jurisdiction_id',
  description: 'Không bắt buộc: hệ thống chỉ phục vụ một tỉnh (mã tỉnh, ví dụ QNG).',
  schema: z.string(),
  example: 'QNG',
};
const CURSOR: QueryDoc = {
  name: 'cursor',
  description: 'Con trỏ trang sau, lấy từ `cursor` của trang trước.',
  schema: z.string(),
};
const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const caseAction = (summary: string, body: RouteDoc['body'], description: string, roleTag: string): RouteDoc => ({
  tag: roleTag,
  summary,
  description,
  params: { code: CODE_PARAM },
  headers: ['If-Match'],
  ...(body ? { body } : {}),
  response: { status: 200, description: 'Phản ánh, kiến nghị sau thao tác (đầy đủ), kèm ETag.', example: FULL_VIEW },
  errors: [404, 409, 412],
});

const open311Request = (format: 'json' | 'xml'): RouteDoc => ({
  tag: TAG.open311,
  summary: `Gửi phản ánh, kiến nghị qua Open311 (${format.toUpperCase()})`,
  description:
    'Dữ liệu dạng form (application/x-www-form-urlencoded) như chuẩn quy định. Được tiếp nhận như phản ánh, ' +
    'kiến nghị gửi qua Cổng (kênh web), với đủ các điều kiện tiếp nhận: họ và tên (last_name là họ, first_name là ' +
    'tên), địa chỉ (address_string), số điện thoại (phone) hoặc email, nội dung (description), ' +
    '`attribute[consent]=true`. Các thuộc tính khác theo định nghĩa dịch vụ. `service_request_id` trả về là mã ' +
    'tra cứu. Gửi kèm Idempotency-Key để gửi lại an toàn.',
  access: 'Cần api_key (trường của form) do Văn phòng UBND tỉnh cấp; mỗi khóa có giới hạn số yêu cầu mỗi phút.',
  form: {
    name: 'Open311RequestForm',
    schema: open311RequestForm,
    example: {
      api_key: '3f9c0a1b2c3d4e5f.k7Jq2mZp4Vw9Xr1Ty6Ua3Sb8Nc5Qd0Ef2Gh7Lm4Pn1Rs',
      service_code: 'dat-dai',
      last_name: 'Trần',
      first_name: 'Thị Kiểm',
      address_string: 'Tổ 3, phường Cẩm Thành',
      phone: '0900000456',
      email: 'kiem.tran@example.com',
      description: WEB_CASE.content,
      'attribute[consent]': 'true',
      'attribute[kind]': 'phan_anh',
    },
  },
  headers: ['Idempotency-Key'],
  response: {
    status: 201,
    description: 'Đã tiếp nhận (200 khi gửi lại cùng Idempotency-Key và cùng nội dung).',
    schema: z.array(open311ReceiptSchema),
    example: [
      {
        service_request_id: CODE,
        service_notice: `Đã chuyển cơ quan có thẩm quyền xử lý. Mã tra cứu: ${CODE}.`,
        account_id: null,
      },
    ],
  },
  errors: [404],
  open311: 'service_requests',
});

const open311Services = (format: 'json' | 'xml'): RouteDoc => ({
  tag: TAG.open311,
  summary: `Danh sách dịch vụ (lĩnh vực) theo Open311 (${format.toUpperCase()})`,
  description: 'Mỗi lĩnh vực là một dịch vụ; `metadata: true` (xem định nghĩa dịch vụ), `type: realtime`.',
  query: [JURISDICTION],
  response: {
    status: 200,
    description: 'Các dịch vụ.',
    schema: z.array(open311ServiceSchema),
    example: SERVICES,
  },
  errors: [404],
  open311: 'services',
});

const open311Search = (format: 'json' | 'xml'): RouteDoc => ({
  tag: TAG.open311,
  summary: `Tra cứu nhiều yêu cầu theo Open311 (${format.toUpperCase()})`,
  description:
    `Mới nhất trước, tối đa ${MAX_REQUESTS} yêu cầu; mặc định ${MAX_RANGE_DAYS} ngày gần nhất, khoảng thời gian ` +
    `không quá ${MAX_RANGE_DAYS} ngày. Chỉ thông tin công khai: không có thông tin người gửi, nội dung; ` +
    '`status_notes` là kết quả trả lời đã công khai; `expected_datetime` là hạn của bước đang chạy.',
  query: [
    JURISDICTION,
    {
      name: 'service_request_id',
      description: 'Các mã tra cứu, phân cách bằng dấu phẩy; khi có thì bỏ qua các điều kiện khác.',
      schema: z.string(),
      example: `${CODE},QNG-26-9PX3TD`,
    },
    { name: 'service_code', description: 'Các mã lĩnh vực, phân cách bằng dấu phẩy.', schema: z.string() },
    {
      name: 'start_date',
      description: 'Từ thời điểm tiếp nhận (ISO 8601 có múi giờ).',
      schema: z.string(),
      example: '2026-02-01T00:00:00+07:00',
    },
    {
      name: 'end_date',
      description: 'Đến thời điểm tiếp nhận (ISO 8601 có múi giờ).',
      schema: z.string(),
      example: '2026-02-28T23:59:59+07:00',
    },
    { name: 'status', description: 'open, closed (phân cách bằng dấu phẩy).', schema: z.string(), example: 'open' },
  ],
  response: {
    status: 200,
    description: 'Các yêu cầu.',
    schema: z.array(open311ServiceRequestSchema),
    example: [SERVICE_REQUEST_OPEN, SERVICE_REQUEST_CLOSED],
  },
  errors: [400, 404],
  open311: 'service_requests',
});

// --- the routes -------------------------------------------------------------------------------------

export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /v1/categories': {
    tag: TAG.public,
    summary: 'Danh sách lĩnh vực',
    response: {
      status: 200,
      description: 'Các lĩnh vực, theo tên.',
      example: {
        categories: [
          { code: 'dat-dai', name: 'Đất đai', communeLevel: true },
          { code: 'ho-tich', name: 'Hộ tịch', communeLevel: true },
        ],
      },
    },
  },
  'GET /v1/agencies': {
    tag: TAG.public,
    summary: 'Danh sách cơ quan đang hoạt động và xã, phường',
    response: {
      status: 200,
      description: 'Cơ quan và địa bàn (không có địa chỉ thư điện tử).',
      example: {
        agencies: [
          { id: 'SO-NNMT', name: 'Sở Nông nghiệp và Môi trường', level: 'province' },
          { id: 'UBND-X003', name: 'UBND xã Sơn Hà', level: 'commune', locality: 'X003' },
        ],
        localities: [{ code: 'X003', name: 'Xã Sơn Hà' }],
      },
    },
  },
  'POST /v1/cases': {
    tag: TAG.public,
    summary: 'Gửi phản ánh, kiến nghị (biểu mẫu trên Cổng)',
    description:
      'Người gửi phải ghi rõ họ tên, địa chỉ, số điện thoại hoặc email và đồng ý cho cơ quan nhà nước sử dụng ' +
      'thông tin (NĐ 20/2008/NĐ-CP Đ.7). Gửi lại cùng Idempotency-Key và cùng nội dung nhận lại đúng mã đã cấp (200).',
    body: { name: 'WebSubmission', schema: webSubmission, example: WEB_CASE },
    headers: ['Idempotency-Key'],
    response: { status: 201, description: 'Đã tiếp nhận; `code` là mã tra cứu.', example: INTAKE_RESULT },
    errors: [429],
  },
  'GET /v1/cases/{code}': {
    tag: TAG.public,
    summary: 'Tra cứu một phản ánh, kiến nghị',
    description:
      'Không có token: bản công khai (trạng thái, cơ quan, thời hạn, kết quả đã công khai; không bao giờ có thông ' +
      'tin người gửi). Có token của Văn phòng UBND tỉnh, quản trị hoặc cán bộ cơ quan được giao: bản đầy đủ.',
    params: { code: CODE_PARAM },
    response: { status: 200, description: 'Bản công khai (hoặc bản đầy đủ với token).', example: PUBLIC_VIEW },
    errors: [403, 404],
  },
  'POST /v1/hotline/calls': {
    tag: TAG.hotline,
    summary: 'Ghi nhận cuộc gọi đến tổng đài',
    description: 'Thời hạn tính từ thời điểm cuộc gọi. Trả lời được ngay thì ghi `resolvedOnCall`.',
    body: {
      name: 'HotlineCall',
      schema: hotlineCall,
      example: {
        calledAt: RECEIVED,
        caller: { name: 'Nguyễn Văn Thử', phone: '0900000123', address: 'Thôn 1, xã Sơn Hà' },
        content: 'Công dân phản ánh hồ sơ cấp giấy chứng nhận quyền sử dụng đất nộp đã 3 tháng chưa có kết quả.',
        categoryCode: 'dat-dai',
      },
    },
    headers: ['Idempotency-Key'],
    response: { status: 201, description: 'Đã ghi nhận.', example: { ...INTAKE_RESULT, status: 'received' } },
  },
  'POST /v1/cases/{code}/rating': {
    tag: TAG.public,
    summary: 'Người gửi đánh giá kết quả trả lời',
    description:
      'Người gửi chứng minh mình bằng `token` trong liên kết ở thư trả lời, hoặc `contact` là số điện thoại hay ' +
      'email đã dùng khi gửi (một trong hai). Đánh giá "Chưa hài lòng" kèm `unresolved: true` mở lại việc xử lý.',
    params: { code: CODE_PARAM },
    body: {
      name: 'RatingRequest',
      schema: ratingRequest,
      example: { rating: 'hai_long', comment: 'Cơ quan trả lời rõ ràng, đúng hạn.', contact: '0900000456' },
    },
    response: {
      status: 200,
      description: 'Đánh giá đã ghi nhận.',
      example: {
        code: CODE,
        status: 'resolved',
        rating: 'hai_long',
        outcome: 'recorded',
        changeableUntil: '2026-04-04T15:30:00+07:00',
      },
    },
    // 401: the link's token is forged, expired or another case's; 403: the contact is not the sender's.
    errors: [401, 403, 404, 409, 422, 429],
  },
  'POST /v1/hotline/calls/{code}/rating': {
    tag: TAG.hotline,
    summary: 'Ghi đánh giá của người gọi',
    description: 'Điện thoại viên ghi lại mức đánh giá người gọi nêu cuối cuộc gọi.',
    params: { code: CODE_PARAM },
    body: { name: 'CallerRatingInput', schema: callerRatingInput, example: { rating: 'rat_hai_long' } },
    response: {
      status: 200,
      description: 'Đánh giá đã ghi nhận.',
      example: { code: CODE, status: 'resolved', rating: 'rat_hai_long', outcome: 'recorded' },
    },
    errors: [404, 409],
  },
  'POST /v1/integrations/vpcp/items': {
    tag: TAG.vpcp,
    summary: 'Nhận phản ánh, kiến nghị từ Hệ thống PAKN quốc gia',
    description:
      'Chữ ký được kiểm tra trên nguyên văn thân yêu cầu trước khi đọc. Theo mã PAKN: gửi lại trả 200, cùng mã.',
    body: {
      name: 'VpcpItem',
      schema: vpcpItem,
      example: {
        maPakn: 'PAKN-2026-000123',
        tieuDe: 'Thủ tục đăng ký hộ kinh doanh kéo dài',
        noiDung: 'Hộ kinh doanh nộp hồ sơ đăng ký từ ngày 02/02/2026, quá hạn nhưng chưa được giải quyết.',
        linhVuc: 'doanh-nghiep',
        nguoiGui: { hoTen: 'Lê Văn Bình', diaChi: 'Phường Nghĩa Chánh', dienThoai: '0912345678' },
        ngayGui: RECEIVED,
      },
    },
    headers: ['X-Signature'],
    response: { status: 201, description: 'Đã tiếp nhận.', example: { code: CODE } },
  },
  'POST /v1/cases/{code}/classify': caseAction(
    'Phân loại và chuyển cơ quan',
    {
      name: 'ClassifyInput',
      schema: classifyInput,
      example: { kind: 'phan_anh', contentType: 'hanh_vi', categoryCode: 'dat-dai', agencyId: 'SO-NNMT' },
    },
    'Chuyển đến cơ quan được chỉ định, hoặc theo quy tắc chuyển khi không chỉ định.',
    TAG.coordinator,
  ),
  'POST /v1/cases/{code}/reject': caseAction(
    'Không tiếp nhận (kèm lý do, hướng dẫn)',
    {
      name: 'ReasonInput',
      schema: reasonInput,
      example: { reason: 'Nội dung là khiếu nại; đề nghị gửi đơn khiếu nại đến UBND xã Sơn Hà theo Luật Khiếu nại.' },
    },
    'Lý do và hướng dẫn được gửi đến người gửi.',
    TAG.coordinator,
  ),
  'POST /v1/cases/{code}/merge': caseAction(
    'Gộp phản ánh, kiến nghị trùng',
    { name: 'MergeInput', schema: mergeInput, example: { intoCode: 'QNG-26-9PX3TD' } },
    'Gắn với bản gốc; trạng thái chuyển thành trùng (duplicate).',
    TAG.coordinator,
  ),
  'GET /v1/cases': {
    tag: TAG.coordinator,
    summary: 'Danh sách phản ánh, kiến nghị toàn tỉnh',
    query: [
      { name: 'status', description: 'Trạng thái.', schema: z.enum(STATUSES) },
      { name: 'agencyId', description: 'Cơ quan xử lý.', schema: agencyId },
      { name: 'channel', description: 'Kênh tiếp nhận.', schema: z.enum(CHANNELS) },
      { name: 'categoryCode', description: 'Lĩnh vực.', schema: categoryCode },
      { name: 'overdue', description: 'Chỉ các phản ánh, kiến nghị quá hạn.', schema: z.enum(['true', 'false']) },
      { name: 'from', description: 'Từ ngày tiếp nhận (YYYY-MM-DD).', schema: DAY, example: '2026-02-01' },
      { name: 'to', description: 'Đến ngày tiếp nhận (YYYY-MM-DD).', schema: DAY, example: '2026-02-28' },
      { name: 'q', description: 'Tìm theo mã hoặc tiêu đề (không phân biệt dấu).', schema: z.string().max(200) },
      { name: 'limit', description: 'Số bản ghi mỗi trang (1–100).', schema: z.string().regex(/^\d{1,3}$/) },
      CURSOR,
    ],
    response: {
      status: 200,
      description: 'Một trang; `cursor` khi còn trang sau.',
      example: { items: [CASE_SUMMARY], cursor: 'eyJzcmMiOiJwZXJpb2QifQ' },
    },
    errors: [422],
  },
  'GET /v1/monitor/overdue': {
    tag: TAG.coordinator,
    summary: 'Theo dõi quá hạn theo cơ quan',
    query: [
      { name: 'agencyId', description: 'Một cơ quan.', schema: agencyId },
      { name: 'bucket', description: 'Số ngày làm việc quá hạn.', schema: z.enum(AGEING_BUCKETS) },
    ],
    response: {
      status: 200,
      description: 'Số quá hạn theo cơ quan và theo mức quá hạn (ngày làm việc).',
      example: {
        at: '2026-03-16T08:00:00+07:00',
        total: 1,
        buckets: { '1-3': 1, '4-10': 0, '>10': 0 },
        agencies: [
          {
            agencyId: 'SO-NNMT',
            name: 'Sở Nông nghiệp và Môi trường',
            total: 1,
            buckets: { '1-3': 1, '4-10': 0, '>10': 0 },
            cases: [
              {
                code: CODE,
                title: WEB_CASE.title,
                channel: 'web',
                status: 'in_progress',
                categoryCode: 'dat-dai',
                priority: 'normal',
                step: 'handle',
                receivedAt: RECEIVED,
                dueAt: '2026-03-13T17:00:00+07:00',
                workingDaysOverdue: 1,
                bucket: '1-3',
              },
            ],
          },
        ],
      },
    },
    errors: [422],
  },
  'GET /v1/reports/periodic': {
    tag: TAG.coordinator,
    summary: 'Báo cáo định kỳ',
    description: 'Số liệu của kỳ (tiếp nhận, đã giải quyết đúng hạn, trễ hạn, tồn) theo cơ quan, kênh, lĩnh vực.',
    query: [
      { name: 'from', description: 'Ngày đầu kỳ (YYYY-MM-DD).', schema: DAY, example: '2025-12-15' },
      { name: 'to', description: 'Ngày cuối kỳ (YYYY-MM-DD).', schema: DAY, example: '2026-03-14' },
      { name: 'format', description: 'Định dạng.', schema: z.enum(REPORT_FORMATS), example: 'json' },
    ],
    response: {
      status: 200,
      description: 'Báo cáo JSON, hoặc tệp CSV (UTF-8) / XLSX để tải về.',
      files: {
        'application/json': {
          example: {
            from: '2025-12-15',
            to: '2026-03-14',
            carriedOverSince: '2023-12-15',
            generatedAt: '2026-03-15T08:00:00+07:00',
            totals: {
              carriedOver: 3,
              received: 42,
              handledOnTime: 35,
              handledLate: 2,
              pendingWithinDeadline: 5,
              pendingOverdue: 1,
              rejected: 2,
              merged: 0,
              published: 30,
              extended: 1,
              returned: 2,
              onTimeRate: 0.9459,
            },
            byAgency: [],
            byChannel: {},
            byCategory: [],
            byContentType: {},
            byWeek: [],
          },
        },
        [REPORT_FILE_TYPES.csv]: { schema: { type: 'string' } },
        [REPORT_FILE_TYPES.xlsx]: { schema: { type: 'string', contentEncoding: 'binary' } },
      },
    },
    errors: [422],
  },
  'POST /v1/cases/{code}/chase': caseAction(
    'Đôn đốc cơ quan ngay',
    { name: 'ChaseInput', schema: chaseInput, example: { note: 'Đề nghị Sở khẩn trương trả lời trước ngày 20/3.' } },
    'Gửi thư đôn đốc đến người đứng đầu cơ quan; ghi vào quá trình xử lý.',
    TAG.coordinator,
  ),
  'POST /v1/cases/{code}/extension/decision': caseAction(
    'Quyết định gia hạn',
    {
      name: 'ExtensionDecision',
      schema: extensionDecision,
      example: { approve: true, workingDays: 5, note: 'Đồng ý gia hạn để xác minh thực địa.' },
    },
    'Đồng ý thì hạn xử lý được lùi và người gửi được thông báo.',
    TAG.coordinator,
  ),
  'GET /v1/agency/cases': {
    tag: TAG.agency,
    summary: 'Hàng đợi của cơ quan',
    description: 'Chỉ các phản ánh, kiến nghị được giao cho cơ quan của cán bộ; hạn gần nhất trước.',
    query: [{ name: 'status', description: 'Trạng thái.', schema: z.enum(STATUSES) }, CURSOR],
    response: { status: 200, description: 'Một trang (bản đầy đủ).', example: { items: [FULL_VIEW] } },
    errors: [422],
  },
  'POST /v1/cases/{code}/accept': caseAction(
    'Nhận xử lý',
    { name: 'EmptyInput', schema: emptyInput, example: {} },
    'Cơ quan được giao nhận xử lý.',
    TAG.agency,
  ),
  'POST /v1/cases/{code}/return': caseAction(
    'Trả lại do không đúng thẩm quyền',
    {
      name: 'ReasonInput',
      schema: reasonInput,
      example: { reason: 'Nội dung thuộc thẩm quyền của UBND xã Sơn Hà, không thuộc Sở.' },
    },
    'Phản ánh, kiến nghị trở về Văn phòng UBND tỉnh để chuyển lại.',
    TAG.agency,
  ),
  'POST /v1/cases/{code}/extension': caseAction(
    'Đề nghị gia hạn',
    {
      name: 'ExtensionRequest',
      schema: extensionRequest,
      example: { workingDays: 5, reason: 'Cần xác minh thực địa với UBND xã.' },
    },
    'Một lần, trong giới hạn của chính sách thời hạn; Văn phòng UBND tỉnh quyết định.',
    TAG.agency,
  ),
  'POST /v1/cases/{code}/resolve': {
    ...caseAction(
      'Trả lời (có kết quả)',
      {
        name: 'ResolveInput',
        schema: resolveInput,
        example: { answer: RESOLVED_VIEW.answer.text, publish: true, attachments: [UPLOAD_ID] },
      },
      'Kết quả được gửi đến người gửi; `publish: true` thì công khai trên trang tra cứu và Open311 (`status_notes`). ' +
        '`attachments`: văn bản kết quả (tối đa 5 tệp, tải lên qua `POST /v1/uploads` và đã kiểm tra an toàn), ' +
        'được công khai cùng kết quả khi kết quả được công khai.',
      TAG.agency,
    ),
    response: {
      status: 200,
      description: 'Phản ánh, kiến nghị đã có kết quả, kèm ETag.',
      example: {
        ...RESOLVED_VIEW,
        attachments: [{ ...RESULT_DOCUMENT, status: 'clean', purpose: 'result', answerNo: 1 }],
      },
    },
    errors: [404, 409, 412, 422],
  },
  'POST /v1/cases/{code}/reassign': caseAction(
    'Chuyển sang cơ quan khác',
    {
      name: 'ReassignInput',
      schema: reassignInput,
      example: { agencyId: 'SO-XD', reason: 'Nội dung về cấp phép xây dựng thuộc Sở Xây dựng.' },
    },
    'Văn phòng UBND tỉnh chuyển phản ánh, kiến nghị đã giao sang cơ quan khác, kèm lý do.',
    TAG.coordinator,
  ),
  'PUT /v1/admin/calendar/{year}': {
    tag: TAG.admin,
    summary: 'Lịch làm việc của một năm',
    description:
      'Nhập thông báo nghỉ lễ, nghỉ bù, làm bù chính thức của năm. Năm lấy từ đường dẫn; `year` và ' +
      '`provisional` trong thân yêu cầu (nếu có) được thay bằng năm đó và `false`.',
    params: { year: { description: 'Năm.', schema: z.string().regex(/^\d{4}$/), example: '2027' } },
    headers: ['If-Match'],
    body: {
      name: 'CalendarYear',
      schema: calendarYearSchema,
      example: {
        year: 2027,
        holidays: ['2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'],
        makeUpWorkdays: [],
        provisional: false,
        source: 'Thông báo của Bộ Nội vụ về lịch nghỉ Tết Âm lịch, Quốc khánh năm 2027',
      },
    },
    response: {
      status: 200,
      description: 'Mục dữ liệu đã lưu, kèm ETag.',
      example: REFERENCE_ITEM('calendar', '2027', { year: 2027, holidays: ['2027-01-01'], makeUpWorkdays: [] }),
    },
    errors: [412],
  },
  'PUT /v1/admin/agencies/{id}': {
    tag: TAG.admin,
    summary: 'Thêm, sửa một cơ quan trong danh bạ',
    description: 'Cơ quan hết hiệu lực chuyển các phản ánh, kiến nghị đang xử lý cho cơ quan kế thừa.',
    params: { id: { description: 'Mã cơ quan.', schema: agencyId, example: 'SO-NNMT' } },
    headers: ['If-Match'],
    body: {
      name: 'AgencyInput',
      schema: agencyInput,
      example: {
        name: 'Sở Nông nghiệp và Môi trường',
        level: 'province',
        headEmail: 'giamdoc.snnmt@quangngai.example',
        focalEmail: 'pakn.snnmt@quangngai.example',
        validFrom: '2025-03-01',
      },
    },
    response: {
      status: 200,
      description: 'Mục dữ liệu đã lưu, kèm ETag.',
      example: REFERENCE_ITEM('agencies', 'SO-NNMT', { id: 'SO-NNMT', name: 'Sở Nông nghiệp và Môi trường' }),
    },
    errors: [412],
  },
  'PUT /v1/admin/routing-rules': {
    tag: TAG.admin,
    summary: 'Quy tắc chuyển cơ quan',
    headers: ['If-Match'],
    body: {
      name: 'RoutingSettings',
      schema: routingSettingsInput,
      example: {
        rules: [
          {
            id: 'dat-dai-cap-xa',
            description: 'Đất đai có địa bàn: UBND cấp xã',
            match: { categoryCode: 'dat-dai' },
            toCommune: true,
          },
        ],
        autoForwardThreshold: 0.6,
      },
    },
    response: {
      status: 200,
      description: 'Mục dữ liệu đã lưu, kèm ETag.',
      example: REFERENCE_ITEM('routing-rules', 'current', { rules: [], autoForwardThreshold: 0.6 }),
    },
    errors: [412],
  },
  'PUT /v1/admin/sla-policy': {
    tag: TAG.admin,
    summary: 'Chính sách thời hạn',
    description: 'Các bước đang chạy giữ thời hạn đã tính.',
    headers: ['If-Match'],
    body: {
      name: 'SlaPolicy',
      schema: slaPolicySchema,
      example: {
        version: '2026-02',
        classify: { amount: 5, unit: 'working_days', basis: 'NĐ 20/2008/NĐ-CP Đ.9' },
        acknowledge: { amount: 8, unit: 'working_hours', basis: 'Quy chế của tỉnh' },
        handle: {
          hanh_vi: { amount: 10, unit: 'working_days', basis: 'Quy chế của tỉnh' },
          quy_dinh: { amount: 30, unit: 'working_days', basis: 'NĐ 20/2008/NĐ-CP Đ.15' },
          khan: { amount: 3, unit: 'working_days', basis: 'Quy chế của tỉnh' },
        },
        extension: { maxWorkingDays: 10, maxCount: 1, basis: 'Quy chế của tỉnh' },
      },
    },
    response: {
      status: 200,
      description: 'Mục dữ liệu đã lưu, kèm ETag.',
      example: REFERENCE_ITEM('sla-policy', 'current', { version: '2026-02' }),
    },
    errors: [412],
  },
  'POST /v1/uploads': {
    tag: TAG.public,
    summary: 'Xin chỗ tải lên một tệp đính kèm',
    description:
      'Trả về địa chỉ và các trường để trình duyệt gửi tệp thẳng đến kho lưu trữ; tệp được kiểm tra trước khi ' +
      'gắn vào phản ánh, kiến nghị (xem trạng thái tại `GET /v1/uploads/{uploadId}`).',
    body: {
      name: 'UploadRequest',
      schema: uploadRequest,
      example: { fileName: 'giay-hen-tra-ket-qua.pdf', contentType: 'application/pdf', size: 245760 },
    },
    response: {
      status: 201,
      description: 'Chỗ tải lên, có hạn dùng.',
      example: {
        uploadId: UPLOAD_ID,
        url: 'https://tep.pakn.quangngai.example/',
        fields: { key: `quarantine/${UPLOAD_ID}`, 'Content-Type': 'application/pdf' },
        expiresAt: '2026-02-13T09:15:00+07:00',
      },
    },
    errors: [429],
  },
  'GET /v1/uploads/{uploadId}': {
    tag: TAG.public,
    summary: 'Kết quả kiểm tra một tệp đã tải lên',
    description:
      'Trình duyệt hỏi lại sau khi gửi tệp đến kho lưu trữ, đến khi có kết quả: tệp được kiểm tra theo nội dung ' +
      'thực (không theo tên hay loại khai báo), ảnh được xóa thông tin vị trí. Chỉ tệp `clean` mới gửi kèm được.',
    params: {
      uploadId: {
        description: 'Mã tệp do `POST /v1/uploads` cấp (32 ký tự hex).',
        schema: uploadId,
        example: UPLOAD_ID,
      },
    },
    response: {
      status: 200,
      description: '`pending` (đang kiểm tra), `clean` (dùng được), `rejected` (kèm lý do) hoặc `attached`.',
      example: {
        uploadId: UPLOAD_ID,
        status: 'clean',
        fileName: 'giay-hen-tra-ket-qua.pdf',
        contentType: 'application/pdf',
        size: 245760,
      },
    },
    errors: [404],
  },
  'GET /v1/cases/{code}/attachments/{id}': {
    tag: TAG.agency,
    summary: 'Đường dẫn tải một tệp đính kèm',
    description: 'Đường dẫn có hiệu lực ngắn; chỉ Văn phòng UBND tỉnh và cơ quan được giao.',
    params: {
      code: CODE_PARAM,
      id: { description: 'Mã tệp đính kèm.', schema: z.string(), example: 'u7k2m9q4x1c8' },
    },
    response: {
      status: 200,
      description: 'Đường dẫn tải về.',
      example: {
        id: 'u7k2m9q4x1c8',
        fileName: 'giay-hen-tra-ket-qua.pdf',
        contentType: 'application/pdf',
        size: 245760,
        url: 'https://tep.pakn.quangngai.example/attached/u7k2m9q4x1c8?X-Amz-Expires=300',
        expiresAt: '2026-03-02T10:05:00+07:00',
      },
    },
    errors: [404],
  },
  'GET /v1/cases/{code}/result-documents/{id}': {
    tag: TAG.public,
    summary: 'Đường dẫn tải văn bản kết quả đã công khai',
    description:
      'Chỉ văn bản kết quả của kết quả trả lời đã công khai (danh sách và `path` trong `resultDocuments` của bản ' +
      'công khai); không bao giờ là tệp người gửi đính kèm. Kết quả chưa công khai, tệp khác hoặc mã không có: 404. ' +
      'Đường dẫn có hiệu lực 5 phút.',
    params: {
      code: CODE_PARAM,
      id: { description: 'Mã văn bản kết quả.', schema: z.string(), example: UPLOAD_ID },
    },
    response: {
      status: 200,
      description: 'Đường dẫn tải về.',
      example: {
        ...RESULT_DOCUMENT,
        url: `https://tep.pakn.quangngai.example/attached/${UPLOAD_ID}?X-Amz-Expires=300`,
        expiresAt: '2026-03-05T15:35:00+07:00',
      },
    },
    errors: [404],
  },
  'POST /v1/admin/open311-keys': {
    tag: TAG.admin,
    summary: 'Cấp khóa API Open311',
    description:
      'Khóa (`apiKey`) chỉ hiện một lần trong câu trả lời này: hệ thống chỉ lưu giá trị băm (SHA-256 kèm muối ' +
      `riêng từng khóa). Mặc định 60 yêu cầu mỗi phút.`,
    body: {
      name: 'Open311KeyInput',
      schema: open311KeyInput,
      example: { name: 'Ứng dụng Quảng Ngãi số (Sở Khoa học và Công nghệ)', ratePerMinute: 120 },
    },
    response: {
      status: 201,
      description: 'Khóa mới.',
      example: {
        id: '3f9c0a1b2c3d4e5f',
        name: 'Ứng dụng Quảng Ngãi số (Sở Khoa học và Công nghệ)',
        ratePerMinute: 120,
        createdAt: '2026-02-13T09:00:00+07:00',
        apiKey: '3f9c0a1b2c3d4e5f.k7Jq2mZp4Vw9Xr1Ty6Ua3Sb8Nc5Qd0Ef2Gh7Lm4Pn1Rs',
      },
    },
  },
  'DELETE /v1/admin/open311-keys/{id}': {
    tag: TAG.admin,
    summary: 'Thu hồi khóa API Open311',
    description: 'Có hiệu lực từ yêu cầu tiếp theo dùng khóa; thu hồi lại giữ thời điểm thu hồi đầu tiên.',
    params: {
      id: { description: 'Mã khóa (phần trước dấu chấm).', schema: z.string().regex(/^[0-9a-f]{16}$/) },
    },
    response: {
      status: 200,
      description: 'Khóa đã thu hồi.',
      example: {
        id: '3f9c0a1b2c3d4e5f',
        name: 'Ứng dụng Quảng Ngãi số (Sở Khoa học và Công nghệ)',
        ratePerMinute: 120,
        createdAt: '2026-02-13T09:00:00+07:00',
        revokedAt: '2026-06-01T14:00:00+07:00',
      },
    },
    errors: [404],
  },
  'GET /v1/openapi.json': {
    tag: TAG.docs,
    summary: 'Mô tả OpenAPI 3.1 của API (tài liệu này)',
    response: { status: 200, description: 'Tài liệu OpenAPI.', example: { openapi: '3.1.0' } },
  },
  'GET /open311/v2/services.json': open311Services('json'),
  'GET /open311/v2/services.xml': open311Services('xml'),
  'GET /open311/v2/services/{service_code}': {
    tag: TAG.open311,
    summary: 'Định nghĩa dịch vụ (các thuộc tính) theo Open311',
    description: 'Các thuộc tính gửi kèm yêu cầu dưới dạng `attribute[<code>]`.',
    params: {
      service_code: {
        description: 'Mã dịch vụ (lĩnh vực) kèm định dạng: `.json` hoặc `.xml`.',
        schema: z.string().regex(/^[A-Za-z0-9._-]{1,40}\.(json|xml)$/),
        example: 'dat-dai.json',
      },
    },
    query: [JURISDICTION],
    response: {
      status: 200,
      description: 'Định nghĩa dịch vụ.',
      schema: open311ServiceDefinitionSchema,
      example: SERVICE_DEFINITION,
    },
    errors: [404],
    open311: 'service_definition',
  },
  'GET /open311/v2/requests.json': open311Search('json'),
  'GET /open311/v2/requests.xml': open311Search('xml'),
  'GET /open311/v2/requests/{service_request_id}': {
    tag: TAG.open311,
    summary: 'Một yêu cầu theo Open311',
    description: 'Như tra cứu công khai: không có thông tin người gửi; `status_notes` là kết quả đã công khai.',
    params: {
      service_request_id: {
        description: 'Mã tra cứu kèm định dạng: `.json` hoặc `.xml`.',
        schema: z.string().regex(/^[A-Z]{2,5}-\d{2}-[2-9A-HJKMNP-TV-Z]{6}\.(json|xml)$/),
        example: `${CODE}.json`,
      },
    },
    query: [JURISDICTION],
    response: {
      status: 200,
      description: 'Danh sách gồm một yêu cầu (như chuẩn quy định).',
      schema: z.array(open311ServiceRequestSchema),
      example: [SERVICE_REQUEST_OPEN],
    },
    errors: [404],
    open311: 'service_requests',
  },
  'POST /open311/v2/requests.json': open311Request('json'),
  'POST /open311/v2/requests.xml': open311Request('xml'),
};
