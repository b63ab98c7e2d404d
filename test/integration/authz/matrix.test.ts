/**
 * The authorisation matrix: every route of `infra/routes.ts` × every kind of caller, through the
 * local HTTP stack, asserting exactly who is let through. Each call gets its own fixture (a case in
 * the status the route needs), so an allowed caller must really succeed (2xx), a caller without a
 * token on a `jwt` route gets 401, a wrong role or another agency's officer 403, and nothing 5xx.
 * Then every versioned write is checked for If-Match (412 when stale) and every case action for
 * 409 naming the status when it is not allowed in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_VPCP_SECRET } from '../../../infra/local/stack.ts';
import { ROUTES, type RouteSpec } from '../../../infra/routes.ts';
import { signBody } from '../../../shared/http/hmac.ts';
import { SAMPLE_RULES } from '../../../shared/routing/index.ts';
import { DEFAULT_SLA_POLICY } from '../../../shared/sla/policy.ts';
import { type ApiResponse, sampleCall, sampleWebCase, startTestStack, type TestStack } from '../../support/stack.ts';
import { pdf } from '../../unit/attachments/fixtures.ts';
import { upload } from '../attachments/support.ts';

const OWN = 'SO-NNMT';
const OTHER = 'SO-TP';
const PRINCIPALS = ['none', 'operator', 'coordinator', 'officer-own', 'officer-other', 'admin'] as const;
type Principal = (typeof PRINCIPALS)[number];
const EVERYONE: Principal[] = [...PRINCIPALS];

/** What one call needs: the concrete path, a body, and the version to send as If-Match. */
interface Call {
  path: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  version?: number;
}

interface RouteCase {
  allowed: Principal[];
  /** Builds a fresh fixture for one call. */
  call(): Promise<Call>;
  /**
   * Explicit entries have a valid fixture, so an allowed caller must succeed (2xx). A route with
   * no entry yet (added by other work) is still checked, from its declared access and roles: an
   * allowed caller must get past authorisation (neither 401 nor 403), the others must not.
   */
  strict?: boolean;
}

let stack: TestStack;
const tokenOf = new Map<Principal, string | undefined>();
let seq = 0;

const VAGUE = {
  categoryCode: undefined,
  title: 'Đề nghị giải đáp',
  content: 'Công dân đề nghị được giải đáp, hướng dẫn cụ thể nội dung đã trình bày.',
};

async function post(path: string, principal: Principal, body: unknown = {}): Promise<ApiResponse> {
  const token = tokenOf.get(principal);
  return stack.api('POST', path, { body, ...(token ? { token } : {}) });
}

/** A web case; triaged (`received`) or routed to SO-NNMT (`assigned`). */
async function newCase(state: 'received' | 'assigned'): Promise<string> {
  const r = await stack.api('POST', '/v1/cases', {
    body: state === 'received' ? { ...sampleWebCase(), ...VAGUE } : sampleWebCase({ categoryCode: 'dat-dai' }),
  });
  expect(r.status, r.text).toBe(201);
  expect(r.json.status).toBe(state);
  return r.json.code;
}

async function caseIn(status: 'received' | 'assigned' | 'in_progress' | 'extension_requested' | 'resolved') {
  const code = await newCase(status === 'received' ? 'received' : 'assigned');
  if (status === 'received' || status === 'assigned') return code;
  expect((await post(`/v1/cases/${code}/accept`, 'officer-own')).status).toBe(200);
  if (status === 'extension_requested') {
    const r = await post(`/v1/cases/${code}/extension`, 'officer-own', { workingDays: 2, reason: 'Cần xác minh.' });
    expect(r.status, r.text).toBe(200);
  }
  if (status === 'resolved') {
    const r = await post(`/v1/cases/${code}/resolve`, 'officer-own', { answer: 'Đã giải quyết.', publish: true });
    expect(r.status, r.text).toBe(200);
  }
  return code;
}

async function versionOf(code: string): Promise<number> {
  const r = await stack.api('GET', `/v1/cases/${code}`, { token: tokenOf.get('coordinator') as string });
  return r.json.version;
}

/** A case route's call on a fresh case in `status`. */
const onCase =
  (status: Parameters<typeof caseIn>[0], action: string, body: unknown = {}) =>
  async (): Promise<Call> => {
    const code = await caseIn(status);
    return { path: `/v1/cases/${code}${action}`, body, version: await versionOf(code) };
  };

const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

const MATRIX: Record<string, RouteCase> = {
  'GET /v1/categories': { allowed: EVERYONE, call: async () => ({ path: '/v1/categories' }) },
  'GET /v1/agencies': { allowed: EVERYONE, call: async () => ({ path: '/v1/agencies' }) },
  'POST /v1/cases': { allowed: EVERYONE, call: async () => ({ path: '/v1/cases', body: sampleWebCase() }) },
  'GET /v1/cases/{code}': {
    // Public view without a token; with one, the full view for VPUB, admins and the assigned agency.
    allowed: ['none', 'coordinator', 'officer-own', 'admin'],
    call: onCase('assigned', ''),
  },
  'POST /v1/hotline/calls': {
    allowed: ['operator'],
    call: async () => ({ path: '/v1/hotline/calls', body: sampleCall() }),
  },
  'POST /v1/integrations/vpcp/items': {
    // Machine endpoint: no token of any role opens it, only the request signature (checked below).
    allowed: [],
    call: async () => ({ path: '/v1/integrations/vpcp/items', body: vpcpItem() }),
  },
  'POST /v1/cases/{code}/classify': {
    allowed: ['coordinator'],
    call: onCase('received', '/classify', { kind: 'phan_anh', contentType: 'hanh_vi', categoryCode: 'dat-dai' }),
  },
  'POST /v1/cases/{code}/reject': {
    allowed: ['coordinator'],
    call: onCase('received', '/reject', { reason: 'Không rõ nội dung.' }),
  },
  'POST /v1/cases/{code}/merge': {
    allowed: ['coordinator'],
    call: async () => {
      const into = await caseIn('received');
      return { ...(await onCase('received', '/merge')()), body: { intoCode: into } };
    },
  },
  'GET /v1/cases': { allowed: ['coordinator'], call: async () => ({ path: '/v1/cases?status=received' }) },
  'GET /v1/monitor/overdue': { allowed: ['coordinator'], call: async () => ({ path: '/v1/monitor/overdue' }) },
  'GET /v1/reports/periodic': {
    allowed: ['coordinator'],
    call: async () => ({ path: `/v1/reports/periodic?from=${today().slice(0, 8)}01&to=${today()}` }),
  },
  'POST /v1/cases/{code}/chase': { allowed: ['coordinator'], call: onCase('assigned', '/chase') },
  'POST /v1/cases/{code}/extension/decision': {
    allowed: ['coordinator'],
    call: onCase('extension_requested', '/extension/decision', { approve: true }),
  },
  'POST /v1/cases/{code}/reassign': {
    allowed: ['coordinator'],
    call: onCase('assigned', '/reassign', { agencyId: 'SO-XD', reason: 'Thuộc lĩnh vực xây dựng.' }),
  },
  // Every officer may list; each sees only their own agency's queue (checked below).
  'GET /v1/agency/cases': {
    allowed: ['officer-own', 'officer-other'],
    call: async () => ({ path: '/v1/agency/cases' }),
  },
  'POST /v1/cases/{code}/accept': { allowed: ['officer-own'], call: onCase('assigned', '/accept') },
  'POST /v1/cases/{code}/return': {
    allowed: ['officer-own'],
    call: onCase('assigned', '/return', { reason: 'Không đúng thẩm quyền.' }),
  },
  'POST /v1/cases/{code}/extension': {
    allowed: ['officer-own'],
    call: onCase('in_progress', '/extension', { workingDays: 3, reason: 'Cần khảo sát.' }),
  },
  'POST /v1/cases/{code}/resolve': {
    allowed: ['officer-own'],
    call: onCase('in_progress', '/resolve', { answer: 'Đã trả lời.', publish: false }),
  },
  'GET /v1/cases/{code}/result-documents/{id}': {
    // Public, as the published answer the document came with; a token neither opens nor closes it.
    allowed: EVERYONE,
    call: async () => {
      const code = await caseIn('in_progress');
      const doc = await upload(stack, 'Công văn trả lời.pdf', pdf());
      const r = await post(`/v1/cases/${code}/resolve`, 'officer-own', {
        answer: 'Đã giải quyết; công văn kèm theo.',
        publish: true,
        attachments: [doc.uploadId],
      });
      expect(r.status, r.text).toBe(200);
      return { path: `/v1/cases/${code}/result-documents/${doc.uploadId}` };
    },
  },
  'PUT /v1/admin/calendar/{year}': {
    allowed: ['admin'],
    call: async () => ({
      path: '/v1/admin/calendar/2031',
      body: { source: 'Thông báo thử nghiệm', holidays: ['2031-01-01'], makeUpWorkdays: [] },
    }),
  },
  'PUT /v1/admin/agencies/{id}': {
    allowed: ['admin'],
    call: async () => ({
      path: `/v1/admin/agencies/SO-THU-${++seq}`,
      body: { name: 'Sở thử nghiệm', level: 'province', headEmail: 'thu@quangngai.example' },
    }),
  },
  'PUT /v1/admin/routing-rules': {
    allowed: ['admin'],
    call: async () => ({ path: '/v1/admin/routing-rules', body: { rules: SAMPLE_RULES, autoForwardThreshold: 0.6 } }),
  },
  'PUT /v1/admin/sla-policy': {
    allowed: ['admin'],
    call: async () => ({ path: '/v1/admin/sla-policy', body: DEFAULT_SLA_POLICY }),
  },
  'POST /v1/admin/open311-keys': {
    allowed: ['admin'],
    call: async () => ({ path: '/v1/admin/open311-keys', body: { name: 'Ứng dụng thử nghiệm' } }),
  },
  'DELETE /v1/admin/open311-keys/{id}': {
    allowed: ['admin'],
    call: async () => ({ path: `/v1/admin/open311-keys/${(await open311Key()).id}` }),
  },
  'GET /v1/openapi.json': { allowed: EVERYONE, call: async () => ({ path: '/v1/openapi.json' }) },
  // Open311 GeoReport v2: public at the gateway; a token of any role neither opens nor closes it
  // (a POST is authorised by its form's api_key instead).
  'GET /open311/v2/services.json': { allowed: EVERYONE, call: async () => ({ path: '/open311/v2/services.json' }) },
  'GET /open311/v2/services.xml': { allowed: EVERYONE, call: async () => ({ path: '/open311/v2/services.xml' }) },
  'GET /open311/v2/services/{service_code}': {
    allowed: EVERYONE,
    call: async () => ({ path: '/open311/v2/services/dat-dai.json' }),
  },
  'GET /open311/v2/requests.json': { allowed: EVERYONE, call: async () => ({ path: '/open311/v2/requests.json' }) },
  'GET /open311/v2/requests.xml': { allowed: EVERYONE, call: async () => ({ path: '/open311/v2/requests.xml' }) },
  'GET /open311/v2/requests/{service_request_id}': {
    allowed: EVERYONE,
    call: async () => ({ path: `/open311/v2/requests/${await caseIn('assigned')}.json` }),
  },
  'POST /open311/v2/requests.json': { allowed: EVERYONE, call: () => open311Request('json') },
  'POST /open311/v2/requests.xml': { allowed: EVERYONE, call: () => open311Request('xml') },
};

/** A fresh Open311 client key, issued by an admin. */
async function open311Key(): Promise<{ id: string; apiKey: string }> {
  const r = await post('/v1/admin/open311-keys', 'admin', { name: `Khóa thử ${++seq}`, ratePerMinute: 600 });
  expect(r.status, r.text).toBe(201);
  return r.json;
}

let sharedKey: Promise<{ id: string; apiKey: string }> | undefined;

/** A GeoReport v2 request, form-encoded, with a valid api_key. */
async function open311Request(format: 'json' | 'xml'): Promise<Call> {
  sharedKey ??= open311Key();
  const form = new URLSearchParams({
    api_key: (await sharedKey).apiKey,
    service_code: 'dat-dai',
    last_name: 'Trần',
    first_name: 'Thị Kiểm',
    address_string: 'Tổ 3, phường Cẩm Thành',
    phone: '0900000456',
    description: 'Hồ sơ cấp giấy chứng nhận quyền sử dụng đất nộp từ tháng 7 đến nay chưa có kết quả.',
    'attribute[consent]': 'true',
  });
  return {
    path: `/open311/v2/requests.${format}`,
    raw: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

function vpcpItem() {
  return {
    maPakn: `VPCP-MATRIX-${++seq}-${Date.now()}`,
    tieuDe: 'Đường liên xã bị sạt lở',
    noiDung: 'Đoạn đường liên xã bị sạt lở sau mưa lớn, đề nghị sớm khắc phục.',
    nguoiGui: { hoTen: 'Phạm Văn Quốc', diaChi: 'Thôn 2, xã Sơn Hà', dienThoai: '0905111222' },
    ngayGui: new Date().toISOString(),
  };
}

const keyOf = (r: RouteSpec) => `${r.method} ${r.path}`;

/** Every page of an officer's queue. */
async function wholeQueue(principal: Principal): Promise<Array<{ code: string; agencyId: string }>> {
  const items: Array<{ code: string; agencyId: string }> = [];
  let cursor: string | undefined;
  do {
    const r = await stack.api('GET', `/v1/agency/cases${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, {
      token: tokenOf.get(principal) as string,
    });
    expect(r.status, r.text).toBe(200);
    items.push(...r.json.items);
    cursor = r.json.cursor;
  } while (cursor);
  return items;
}

/** Who the route table says may call a route; an officer acts on a `{code}` only for their own agency's cases. */
function declared(route: RouteSpec): Principal[] {
  if (route.access === 'hmac') return [];
  if (route.access !== 'jwt') return EVERYONE;
  return (route.roles ?? []).flatMap((role): Principal[] =>
    role === 'officer' ? (route.path.includes('{code}') ? ['officer-own'] : ['officer-own', 'officer-other']) : [role],
  );
}

/** The entry for a route: the explicit one, or one derived from the route table with a generic fixture. */
function entryFor(route: RouteSpec): RouteCase {
  const explicit = MATRIX[keyOf(route)];
  if (explicit) return { ...explicit, strict: true };
  return {
    allowed: declared(route),
    call: async () => {
      const code = route.path.includes('{code}') ? await caseIn('assigned') : '';
      return {
        path: route.path.replace('{code}', code).replace(/\{\w+\}/g, 'X1'),
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }),
      };
    },
  };
}

async function send(route: RouteSpec, principal: Principal, call: Call, ifMatch?: number): Promise<ApiResponse> {
  const token = tokenOf.get(principal);
  const headers: Record<string, string> = { ...(call.headers ?? {}) };
  if (ifMatch !== undefined) headers['if-match'] = `"${ifMatch}"`;
  return stack.api(route.method, call.path, {
    ...(token ? { token } : {}),
    ...(call.body !== undefined && route.method !== 'GET' && route.method !== 'DELETE' ? { body: call.body } : {}),
    ...(call.raw !== undefined ? { raw: call.raw } : {}),
    headers,
  });
}

beforeAll(async () => {
  stack = await startTestStack();
  tokenOf.set('none', undefined);
  tokenOf.set('operator', await stack.token('operator'));
  tokenOf.set('coordinator', await stack.token('coordinator'));
  tokenOf.set('officer-own', await stack.token('officer', OWN));
  tokenOf.set('officer-other', await stack.token('officer', OTHER));
  tokenOf.set('admin', await stack.token('admin'));
});
afterAll(() => stack?.close());

describe('authorisation matrix', () => {
  it('has no entry for a route that is gone, and names the routes checked from the table only', () => {
    expect(Object.keys(MATRIX).filter((k) => !ROUTES.some((r) => keyOf(r) === k))).toEqual([]);
    const derivedOnly = ROUTES.map(keyOf).filter((k) => !MATRIX[k]);
    if (derivedOnly.length > 0)
      console.info(`authorisation checked from the route table only: ${derivedOnly.join(', ')}`);
  });

  it.each(ROUTES.map((r) => [keyOf(r), r] as const))('%s', async (key, route) => {
    const spec = entryFor(route);
    const seen: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const principal of PRINCIPALS) {
      const call = await spec.call();
      const r = await send(route, principal, call, call.version);
      expect(r.status, `${key} as ${principal}: ${r.text}`).toBeLessThan(500);
      const ok = spec.strict ? r.status >= 200 && r.status < 300 : r.status !== 401 && r.status !== 403;
      seen[principal] = ok ? 'allowed' : `${r.status} ${r.json?.error?.code ?? ''}`;
      expected[principal] = spec.allowed.includes(principal)
        ? 'allowed'
        : principal === 'none' || route.access === 'hmac'
          ? `401 ${route.access === 'hmac' ? 'invalid_signature' : 'unauthenticated'}`
          : '403 forbidden';
    }
    expect(seen).toEqual(expected);
  });

  it('refuses an invalid or expired token on every jwt route (401)', async () => {
    for (const route of ROUTES.filter((r) => r.access === 'jwt')) {
      const call = { path: route.path.replace('{code}', 'QNG-26-ZZZZZZ').replace(/\{\w+\}/g, 'X1') };
      const r = await stack.api(route.method, call.path, {
        token: 'e30.e30.invalid',
        ...(route.method === 'GET' ? {} : { body: {} }),
      });
      expect(r.status, keyOf(route)).toBe(401);
    }
  });

  it('lets the VPCP push through with a valid signature only', async () => {
    const raw = JSON.stringify(vpcpItem());
    const signed = await stack.api('POST', '/v1/integrations/vpcp/items', {
      raw,
      headers: { 'content-type': 'application/json', 'x-signature': signBody(DEV_VPCP_SECRET, raw) },
    });
    expect(signed.status).toBe(201);
  });

  it('never lists another agency’s cases to an officer', async () => {
    const code = await caseIn('assigned');
    const own = await wholeQueue('officer-own');
    const other = await wholeQueue('officer-other');
    expect(own.map((c) => c.code)).toContain(code);
    expect(own.every((c) => c.agencyId === OWN)).toBe(true);
    expect(other.map((c) => c.code)).not.toContain(code);
    expect(other.every((c) => c.agencyId === OTHER)).toBe(true);
    const unassigned = await stack.api('GET', '/v1/agency/cases', { token: await stack.token('officer') });
    expect(unassigned.status).toBe(403);
  });
});

/**
 * Writes on a versioned item: the staff case actions and the admin PUTs of reference data (an
 * Open311 key issued or revoked is not one), each with a valid fixture from the matrix.
 */
const VERSIONED_WRITES = ROUTES.filter(
  (r) =>
    MATRIX[keyOf(r)] !== undefined &&
    r.access === 'jwt' &&
    ((r.method === 'POST' && r.path.startsWith('/v1/cases/{code}/')) ||
      (r.method === 'PUT' && r.path.startsWith('/v1/admin/'))),
);

describe('If-Match on every versioned write', () => {
  it.each(VERSIONED_WRITES.map((r) => [keyOf(r), r] as const))(
    '%s: 412 when stale, 2xx when current',
    async (_key, route) => {
      const spec = entryFor(route);
      const principal = spec.allowed[0] as Principal;
      const call = await spec.call();
      let current = call.version;
      if (current === undefined) {
        // A reference item: create or read its version with a first write.
        const first = await send(route, principal, call);
        expect(first.status, first.text).toBe(200);
        current = Number(first.json.version);
      }
      const stale = await send(route, principal, call, current + 1);
      expect(stale.status, stale.text).toBe(412);
      expect(stale.json.error.code).toBe('version_mismatch');
      const fresh = await send(route, principal, call, current);
      expect(fresh.status, fresh.text).toBeGreaterThanOrEqual(200);
      expect(fresh.status).toBeLessThan(300);
      expect(fresh.headers.get('etag')).toBe(`"${fresh.json.version}"`);
    },
  );
});

describe('409 naming the status', () => {
  const CASE_ACTIONS = VERSIONED_WRITES.filter((r) => r.path.startsWith('/v1/cases/{code}/'));

  it.each(CASE_ACTIONS.map((r) => [keyOf(r), r] as const))('%s on a resolved case', async (key, route) => {
    const spec = entryFor(route);
    const template = await spec.call();
    const code = await caseIn('resolved');
    const path = route.path.replace('{code}', code);
    const body =
      key.endsWith('/merge') && template.body
        ? { intoCode: await caseIn('received') }
        : key.endsWith('/reassign')
          ? { agencyId: 'SO-XD', reason: 'Chuyển.' }
          : template.body;
    const r = await send(route, spec.allowed[0] as Principal, { path, body }, await versionOf(code));
    expect(r.status, r.text).toBe(409);
    expect(r.json.error.message).toContain('"resolved"');
  });
});
