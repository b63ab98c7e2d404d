/**
 * The OpenAPI 3.1 description of the HTTP API, generated from the route table (every route, its
 * access and roles) and the route descriptions in `openapi-docs.ts` (summary, the zod schema the
 * handler validates its body with, examples). A field added to a schema, or a route added to the
 * table, shows in the document with no other change; a route without a description, or a
 * description without a route, fails the generation (and the test that runs it).
 */
import * as z from 'zod';
import { OPEN311_FORMATS, type Open311Format } from '../app/open311.ts';
import { DomainError, forbidden, invalidTransition, notFound, validationError } from '../domain/errors.ts';
import { type Open311Error, toOpen311Xml } from './open311-format.ts';
import { ROUTE_DOCS, type RouteDoc } from './openapi-docs.ts';
import { errorResponse } from './responses.ts';

/** What the generator needs of a route of `infra/routes.ts` (structural, so shared/ does not import infra/). */
export interface RouteRef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  fn: string;
  access: 'public' | 'jwt' | 'optional-jwt' | 'hmac';
  roles?: readonly string[];
}

type Json = Record<string, unknown>;

/** The zod schema as the JSON Schema of what a client sends (before transforms). */
export function jsonSchemaOf(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

const errorBody = (e: DomainError) => JSON.parse(String(errorResponse(e).body)) as Json;

/** v1 errors, each with an example produced by the same shaper the handlers answer with. */
const V1_ERRORS: Record<number, { description: string; example: Json }> = {
  400: {
    description: 'Nội dung gửi lên không phải JSON hợp lệ.',
    example: errorBody(new DomainError('validation', 'invalid_json', 'Dữ liệu gửi lên không phải JSON hợp lệ.')),
  },
  401: {
    description: 'Thiếu token, token không hợp lệ hoặc hết hạn; hoặc chữ ký không hợp lệ.',
    example: errorBody(new DomainError('unauthenticated', 'unauthenticated', 'Cần đăng nhập.')),
  },
  403: { description: 'Vai trò hoặc cơ quan không được phép.', example: errorBody(forbidden()) },
  404: { description: 'Không tìm thấy.', example: errorBody(notFound()) },
  409: {
    description: 'Trạng thái hiện tại không cho phép thao tác này.',
    example: errorBody(invalidTransition('accept', 'resolved')),
  },
  412: {
    description: 'Phiên bản trong If-Match đã cũ: dữ liệu vừa được người khác cập nhật.',
    example: errorBody(
      new DomainError(
        'version_mismatch',
        'version_conflict',
        'Phản ánh, kiến nghị đã được người khác cập nhật; vui lòng tải lại.',
      ),
    ),
  },
  413: {
    description: 'Nội dung gửi lên vượt quá 64 KB.',
    example: errorBody(new DomainError('payload_too_large', 'payload_too_large', 'Nội dung gửi lên vượt quá 64 KB.')),
  },
  415: {
    description: 'Sai kiểu dữ liệu (Content-Type).',
    example: errorBody(
      new DomainError(
        'validation',
        'unsupported_media_type',
        'Chỉ nhận dữ liệu JSON (Content-Type: application/json).',
      ),
    ),
  },
  422: {
    description: 'Dữ liệu chưa hợp lệ hoặc còn thiếu; `fields` nêu từng trường.',
    example: errorBody(
      validationError(
        [
          { field: 'submitter.name', message: 'Họ và tên: không được để trống.' },
          { field: 'submitter.phone', message: 'Cần ít nhất số điện thoại hoặc email để cơ quan trả lời.' },
        ],
        'Chưa tiếp nhận: thông tin chưa hợp lệ hoặc còn thiếu (submitter.name, submitter.phone). Vui lòng bổ sung rồi gửi lại.',
      ),
    ),
  },
  429: {
    description: 'Gửi quá nhiều yêu cầu; thử lại sau số giây trong Retry-After.',
    example: errorBody(
      new DomainError('rate_limited', 'rate_limited', 'Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau ít phút.'),
    ),
  },
};

/** Open311 errors, in the standard's format. */
const OPEN311_ERRORS: Record<number, { description: string; errors: Open311Error[] }> = {
  400: {
    description: 'Thiếu hoặc sai trường; mỗi trường sai là một lỗi.',
    errors: [
      { code: 400, description: 'last_name, first_name: Họ và tên: không được để trống.' },
      { code: 400, description: 'attribute[consent]: bắt buộc.' },
    ],
  },
  403: {
    description: 'api_key thiếu, không hợp lệ hoặc đã bị thu hồi.',
    errors: [{ code: 403, description: 'api_key: không hợp lệ.' }],
  },
  404: {
    description: 'Không có dịch vụ, yêu cầu hoặc jurisdiction_id này.',
    errors: [{ code: 404, description: 'service_code: không có dịch vụ (lĩnh vực) với mã này.' }],
  },
  413: {
    description: 'Nội dung vượt quá 64 KB.',
    errors: [{ code: 413, description: 'Nội dung gửi lên vượt quá 64 KB.' }],
  },
  415: {
    description: 'Không phải application/x-www-form-urlencoded.',
    errors: [
      { code: 415, description: 'Chỉ nhận dữ liệu dạng application/x-www-form-urlencoded (Open311 GeoReport v2).' },
    ],
  },
  429: {
    description: 'Khóa đã dùng hết số yêu cầu của phút này.',
    errors: [
      { code: 429, description: 'api_key: đã vượt số yêu cầu cho phép mỗi phút; vui lòng thử lại sau 30 giây.' },
    ],
  },
};

const MEDIA_TYPE: Record<Open311Format, string> = { json: 'application/json', xml: 'text/xml' };

/** `.json` / `.xml` paths answer in that format; a `{param}` path in the one its value ends with. */
const formatsOf = (path: string): readonly Open311Format[] =>
  OPEN311_FORMATS.filter((f) => path.endsWith(`.${f}`)).length > 0
    ? OPEN311_FORMATS.filter((f) => path.endsWith(`.${f}`))
    : OPEN311_FORMATS;

const HEADERS: Record<string, Json> = {
  'Idempotency-Key': {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'Khóa 8–128 ký tự do bên gửi tạo; gửi lại cùng khóa và cùng nội dung nhận lại đúng mã đã cấp.',
    schema: { type: 'string', minLength: 8, maxLength: 128 },
    example: '5f0c2a7e-4b1d-4c3e-9a51-0e6f2b7d9c11',
  },
  'If-Match': {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'Phiên bản đã đọc (`"<version>"`); khác phiên bản hiện tại thì trả 412.',
    schema: { type: 'string', pattern: '^(W/)?"?\\d{1,9}"?$' },
    example: '"3"',
  },
  'X-Signature': {
    name: 'X-Signature',
    in: 'header',
    required: true,
    description: 'HMAC-SHA256 trên nguyên văn thân yêu cầu với khóa bí mật dùng chung: `sha256=<hex>`.',
    schema: { type: 'string', pattern: '^sha256=[0-9a-fA-F]{64}$' },
  },
};

const ACCESS_TEXT: Record<RouteRef['access'], string> = {
  public: 'Công khai, không cần đăng nhập.',
  jwt: 'Cần token của cán bộ (Bearer JWT).',
  'optional-jwt': 'Công khai; gửi kèm token cán bộ để xem đầy đủ.',
  hmac: 'Máy gọi máy: ký HMAC-SHA256 (X-Signature).',
};

const SECURITY: Record<RouteRef['access'], Json[]> = {
  public: [],
  jwt: [{ staffJwt: [] }],
  'optional-jwt': [{}, { staffJwt: [] }],
  hmac: [{ vpcpSignature: [] }],
};

/** Statuses every route of an access kind can answer, beyond what its description lists. */
function derivedErrors(route: RouteRef, doc: RouteDoc): number[] {
  const out = new Set<number>(doc.errors ?? []);
  if (doc.body) for (const s of [400, 413, 415, 422]) out.add(s);
  if (doc.form) for (const s of [400, 403, 413, 415, 429]) out.add(s);
  if (route.access === 'jwt' || route.access === 'hmac' || route.access === 'optional-jwt') out.add(401);
  if (route.roles?.length) out.add(403);
  return [...out].sort((a, b) => a - b);
}

const camel = (s: string): string =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]?.toUpperCase() + w.slice(1)))
    .join('');

function operation(route: RouteRef, doc: RouteDoc): Json {
  const open311 = doc.open311;
  const formats = open311 ? formatsOf(route.path) : [];
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const parameters: Json[] = [
    ...pathParams.map((name) => {
      const p = doc.params?.[name];
      if (!p) throw new Error(`openapi: ${route.method} ${route.path} does not describe its parameter {${name}}`);
      return {
        name,
        in: 'path',
        required: true,
        description: p.description,
        schema: jsonSchemaOf(p.schema),
        ...(p.example !== undefined ? { example: p.example } : {}),
      };
    }),
    ...(doc.query ?? []).map((q) => ({
      name: q.name,
      in: 'query',
      required: q.required ?? false,
      description: q.description,
      schema: jsonSchemaOf(q.schema),
      ...(q.example !== undefined ? { example: q.example } : {}),
    })),
    ...(doc.headers ?? []).map((h) => HEADERS[h] as Json),
  ];

  const responses: Json = {};
  const success = doc.response;
  if (open311) {
    responses[String(success.status)] = {
      description: success.description,
      content: Object.fromEntries(
        formats.map((f) => [
          MEDIA_TYPE[f],
          f === 'json'
            ? { schema: success.schema ? jsonSchemaOf(success.schema) : {}, example: success.example }
            : { schema: { type: 'string' }, example: toOpen311Xml(open311, success.example) },
        ]),
      ),
    };
    for (const status of derivedErrors(route, doc)) {
      const e = OPEN311_ERRORS[status];
      if (!e) throw new Error(`openapi: no Open311 example for status ${status}`);
      responses[String(status)] = {
        description: e.description,
        content: Object.fromEntries(
          formats.map((f) => [
            MEDIA_TYPE[f],
            f === 'json'
              ? { schema: { $ref: '#/components/schemas/Open311Errors' }, example: e.errors }
              : { schema: { type: 'string' }, example: toOpen311Xml('errors', e.errors) },
          ]),
        ),
      };
    }
  } else {
    responses[String(success.status)] = {
      description: success.description,
      ...(success.files
        ? { content: Object.fromEntries(Object.entries(success.files).map(([type, schema]) => [type, schema])) }
        : success.status === 204
          ? {}
          : {
              content: {
                'application/json': {
                  ...(success.schema ? { schema: jsonSchemaOf(success.schema) } : {}),
                  example: success.example,
                },
              },
            }),
    };
    for (const status of derivedErrors(route, doc)) {
      const e = V1_ERRORS[status];
      if (!e) throw new Error(`openapi: no example for status ${status}`);
      responses[String(status)] = {
        description: e.description,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: e.example } },
      };
    }
  }

  const requestBody = doc.body
    ? {
        required: true,
        content: {
          'application/json': {
            schema: { $ref: `#/components/schemas/${doc.body.name}` },
            example: doc.body.example,
          },
        },
      }
    : doc.form
      ? {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: { $ref: `#/components/schemas/${doc.form.name}` },
              example: doc.form.example,
            },
          },
        }
      : undefined;

  const roles = route.roles?.length ? ` Vai trò: ${route.roles.join(', ')}.` : '';
  return {
    operationId: camel(`${route.method} ${route.path}`),
    tags: [doc.tag],
    summary: doc.summary,
    description: [doc.description, `${doc.access ?? ACCESS_TEXT[route.access]}${roles}`].filter(Boolean).join('\n\n'),
    security: SECURITY[route.access],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    ...(doc.undescribed ? { 'x-pakn-undescribed': true } : {}),
    'x-pakn-function': route.fn,
    'x-pakn-access': route.access,
    ...(route.roles?.length ? { 'x-pakn-roles': [...route.roles] } : {}),
  };
}

const key = (r: Pick<RouteRef, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** Routes the descriptions do not cover, and descriptions of routes that do not exist (the test fails on either). */
export function describedRoutes(routes: readonly RouteRef[], docs: Record<string, RouteDoc> = ROUTE_DOCS) {
  return {
    undescribed: routes.filter((r) => !docs[key(r)]).map(key),
    stale: Object.keys(docs).filter((k) => !routes.some((r) => key(r) === k)),
  };
}

/**
 * What a route gets before someone describes it: still listed, with its access, its roles and the
 * errors they imply, and marked, so the document always lists exactly the routes served.
 */
const undescribed = (route: RouteRef): RouteDoc => ({
  tag: 'Chưa mô tả',
  summary: `${route.method} ${route.path} (chưa có mô tả)`,
  ...(route.path.includes('{')
    ? {
        params: Object.fromEntries(
          [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [
            m[1] ?? '',
            { description: 'Tham số đường dẫn.', schema: z.string() },
          ]),
        ),
      }
    : {}),
  response: { status: 200, description: 'Thành công.' },
  undescribed: true,
});

/**
 * The document for `routes`: every route and nothing else, whatever the descriptions hold. A route
 * without a description is listed all the same (marked `x-pakn-undescribed`) so the endpoint keeps
 * serving a valid document; the unit test is what insists on a description for each.
 */
export function openApiDocument(routes: readonly RouteRef[], docs: Record<string, RouteDoc> = ROUTE_DOCS): Json {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = {
    Error: jsonSchemaOf(
      z.object({
        error: z.object({
          code: z.string(),
          message: z.string(),
          fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
        }),
      }),
    ),
    Open311Errors: jsonSchemaOf(z.array(z.object({ code: z.int(), description: z.string() }))),
  };
  const tags = new Map<string, string>();
  for (const route of routes) {
    const doc = docs[key(route)] ?? undescribed(route);
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route, doc) };
    for (const b of [doc.body, doc.form]) {
      if (!b) continue;
      const schema = jsonSchemaOf(b.schema);
      const seen = schemas[b.name];
      if (seen && JSON.stringify(seen) !== JSON.stringify(schema)) {
        throw new Error(`openapi: two different schemas are named ${b.name}`);
      }
      schemas[b.name] = schema;
    }
    tags.set(doc.tag, doc.tag);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'PAKN — API tiếp nhận, xử lý phản ánh, kiến nghị',
      version: '1.0.0',
      description:
        'API của hệ thống tiếp nhận, xử lý phản ánh, kiến nghị (PAKN) về quy định hành chính, thủ tục hành ' +
        'chính của tỉnh. Dữ liệu JSON, UTF-8; thời điểm theo ISO 8601 có múi giờ (+07:00). Lỗi của API v1 có ' +
        'dạng `{"error": {"code", "message", "fields"?}}`; thông báo bằng tiếng Việt. Các ứng dụng hỗ trợ ' +
        'Open311 GeoReport v2 dùng các đường dẫn `/open311/v2/` (JSON hoặc XML, lỗi theo định dạng của chuẩn).',
    },
    servers: [{ url: '/', description: 'Cùng địa chỉ với trang này' }],
    tags: [...tags.keys()].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        staffJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Token của cán bộ (Cognito). Vai trò nằm trong `cognito:groups`; cán bộ cơ quan có `custom:agencyId`.',
        },
        vpcpSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Signature',
          description: 'HMAC-SHA256 trên nguyên văn thân yêu cầu: `sha256=<hex>`.',
        },
      },
    },
  };
}
