/**
 * Open311 GeoReport v2 conformance, written from the specification's text (wiki.open311.org,
 * GeoReport v2): each method's required fields and their formats, in JSON and in XML (the format is
 * the resource's suffix; XML documents are UTF-8 with the declaration), and errors in the standard's
 * format (`[{"code","description"}]` / `<errors><error><code/><description/></error></errors>`),
 * with the HTTP status the specification gives: 400 bad or missing fields, 403 api_key, 404 unknown
 * service, request or jurisdiction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import {
  citizenRequest,
  errorsOf,
  expectJson,
  issueKey,
  PRIVATE_TEXT,
  parseXml,
  postRequest,
  W3C_DATETIME,
} from './support.ts';

const FORMATS = ['json', 'xml'] as const;
const SERVICE_TYPES = ['realtime', 'batch', 'blackbox'];
const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'];
const CODE = /^QNG-\d{2}-[2-9A-HJKMNP-TV-Z]{6}$/;
/** Every field of a service request the specification lists, in its order. */
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];

let stack: TestStack;
let apiKey: string;
/** One request filed in beforeAll, read back by the GET suites. */
let filed: string;

beforeAll(async () => {
  stack = await startTestStack();
  apiKey = (await issueKey(stack)).apiKey;
  const r = await postRequest(stack, 'json', citizenRequest(apiKey));
  expect(r.status, r.text).toBe(201);
  filed = r.json[0].service_request_id;
});
afterAll(() => stack?.close());

const get = (path: string) => stack.api('GET', path);

describe('GET services.[format] — service list', () => {
  it('JSON: an array of services, each with every field the specification lists', async () => {
    const r = await get('/open311/v2/services.json');
    expect(r.status).toBe(200);
    const services = expectJson(r);
    expect(Array.isArray(services)).toBe(true);
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) {
      expect(Object.keys(s).sort()).toEqual(
        ['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type'].sort(),
      );
      expect(s.service_code).toMatch(/^\S+$/);
      expect(typeof s.service_name).toBe('string');
      expect(typeof s.description).toBe('string');
      expect(typeof s.metadata).toBe('boolean');
      expect(SERVICE_TYPES).toContain(s.type);
      expect(typeof s.keywords).toBe('string');
      expect(typeof s.group).toBe('string');
    }
    expect(services.find((s: { service_code: string }) => s.service_code === 'dat-dai')).toMatchObject({
      service_name: 'Đất đai',
      metadata: true,
      type: 'realtime',
    });
    expect(new Set(services.map((s: { service_code: string }) => s.service_code)).size).toBe(services.length);
  });

  it('XML: <services><service>… with the same values as the JSON', async () => {
    const json = (await get('/open311/v2/services.json')).json;
    const r = await get('/open311/v2/services.xml');
    expect(r.status).toBe(200);
    const services = parseXml(r).services.service;
    expect(services).toEqual(
      json.map((s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, String(v)]))),
    );
  });

  it('accepts the jurisdiction_id it serves and refuses another with 404', async () => {
    expect((await get('/open311/v2/services.json?jurisdiction_id=QNG')).status).toBe(200);
    for (const format of FORMATS) {
      const r = await get(`/open311/v2/services.${format}?jurisdiction_id=sfgov.org`);
      expect(r.status).toBe(404);
      expect(errorsOf(r, format)[0]?.description).toContain('jurisdiction_id');
    }
  });
});

describe('GET services/[service_code].[format] — service definition', () => {
  it('JSON: service_code and attributes with every field, list attributes with key/name values', async () => {
    const r = await get('/open311/v2/services/dat-dai.json');
    expect(r.status).toBe(200);
    const def = expectJson(r);
    expect(def.service_code).toBe('dat-dai');
    expect(def.attributes.length).toBeGreaterThan(0);
    for (const a of def.attributes) {
      expect(typeof a.variable).toBe('boolean');
      expect(a.code).toMatch(/^\S+$/);
      expect(DATATYPES).toContain(a.datatype);
      expect(typeof a.required).toBe('boolean');
      expect(a.datatype_description === null || typeof a.datatype_description === 'string').toBe(true);
      expect(Number.isInteger(a.order)).toBe(true);
      expect(typeof a.description).toBe('string');
      if (a.datatype.endsWith('valuelist')) {
        expect(a.values.length).toBeGreaterThan(0);
        for (const v of a.values) expect(v).toEqual({ key: expect.any(String), name: expect.any(String) });
      }
    }
    const orders = def.attributes.map((a: { order: number }) => a.order);
    expect(orders).toEqual([...new Set<number>(orders)].sort((x, y) => x - y));
    expect(def.attributes.find((a: { code: string }) => a.code === 'consent')).toMatchObject({
      variable: true,
      required: true,
      datatype: 'singlevaluelist',
    });
  });

  it('XML: <service_definition><attributes><attribute><values><value>', async () => {
    const json = (await get('/open311/v2/services/dat-dai.json')).json;
    const def = parseXml(await get('/open311/v2/services/dat-dai.xml')).service_definition;
    expect(def.service_code).toBe('dat-dai');
    const attrs = def.attributes.attribute;
    expect(attrs).toHaveLength(json.attributes.length);
    const consent = attrs.find((a: { code: string }) => a.code === 'consent');
    expect(consent).toMatchObject({ variable: 'true', required: 'true', datatype: 'singlevaluelist', order: '2' });
    expect(consent.values.value).toEqual([{ key: 'true', name: 'Đồng ý' }]);
  });

  it('an unknown service_code is 404, in the format asked for; a path without a format is 404', async () => {
    for (const format of FORMATS) {
      const r = await get(`/open311/v2/services/khong-co-dich-vu.${format}`);
      expect(r.status).toBe(404);
      expect(errorsOf(r, format)[0]?.description).toContain('service_code');
    }
    const bare = await get('/open311/v2/services/dat-dai');
    expect(bare.status).toBe(404);
    errorsOf(bare, 'json');
  });
});

describe('POST requests.[format] — create a service request', () => {
  it.each(FORMATS)(
    '%s: 201 with service_request_id (our tracking code), service_notice and account_id',
    async (format) => {
      const r = await postRequest(stack, format, citizenRequest(apiKey));
      expect(r.status, r.text).toBe(201);
      const receipt =
        format === 'json'
          ? expectJson(r)
          : parseXml(r).service_requests.request.map((x: Record<string, string>) => ({
              ...x,
              account_id: x.account_id === '' ? null : x.account_id,
            }));
      expect(receipt).toHaveLength(1);
      expect(receipt[0]).toEqual({
        service_request_id: expect.stringMatching(CODE),
        service_notice: expect.stringContaining(receipt[0].service_request_id),
        account_id: null,
      });
      const tracked = await get(`/v1/cases/${receipt[0].service_request_id}`);
      expect(tracked.status).toBe(200);
    },
  );

  it('files a web-channel case with the sender mapped onto the form (last_name first_name, address_string)', async () => {
    const r = await postRequest(
      stack,
      'json',
      citizenRequest(apiKey, {
        'attribute[kind]': 'kien_nghi',
        'attribute[title]': 'Đề nghị rút ngắn thời gian cấp sổ',
        'attribute[organization]': 'Hộ kinh doanh Kiểm Trần',
        lat: '15.1205',
        long: '108.7923',
        media_url: 'https://anh.example.com/ho-so.jpg',
      }),
    );
    expect(r.status, r.text).toBe(201);
    const coordinator = await stack.token('coordinator');
    const full = await stack.api('GET', `/v1/cases/${r.json[0].service_request_id}`, { token: coordinator });
    expect(full.json).toMatchObject({
      channel: 'web',
      kind: 'kien_nghi',
      title: 'Đề nghị rút ngắn thời gian cấp sổ',
      categoryCode: 'dat-dai',
      submitter: {
        name: 'Trần Thị Kiểm',
        address: 'Tổ 3, phường Cẩm Thành',
        phone: '0900000456',
        organization: 'Hộ kinh doanh Kiểm Trần',
      },
    });
    expect(full.json.content).toContain('15.1205, 108.7923');
    expect(full.json.content).toContain('https://anh.example.com/ho-so.jpg');
  });

  it('a retry with the same Idempotency-Key gets the same service_request_id (200)', async () => {
    const form = citizenRequest(apiKey);
    const headers = { 'idempotency-key': `open311-${Date.now()}-retry` };
    const first = await postRequest(stack, 'json', form, headers);
    const again = await postRequest(stack, 'json', form, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json[0].service_request_id).toBe(first.json[0].service_request_id);
  });

  describe.each(FORMATS)('errors (%s)', (format) => {
    it('403 when api_key is missing, unknown or wrong', async () => {
      const { api_key: _k, ...noKey } = citizenRequest(apiKey);
      for (const fields of [noKey, { ...noKey, api_key: 'abc' }, { ...noKey, api_key: `${apiKey.slice(0, -2)}xx` }]) {
        const r = await postRequest(stack, format, fields);
        expect(r.status).toBe(403);
        expect(errorsOf(r, format)[0]?.description).toContain('api_key');
      }
    });

    it('400 naming service_code when it is missing or unknown', async () => {
      for (const service_code of ['', 'khong-co-dich-vu']) {
        const r = await postRequest(stack, format, citizenRequest(apiKey, { service_code }));
        expect(r.status).toBe(400);
        expect(errorsOf(r, format).map((e) => e.description.split(':')[0])).toEqual(['service_code']);
      }
    });

    it('400 naming the attribute when it is unknown, not in its list, repeated or required and missing', async () => {
      const cases: Array<[Record<string, string | string[]>, string]> = [
        [{ 'attribute[mau_sac]': 'do' }, 'attribute[mau_sac]'],
        [{ 'attribute[kind]': 'khieu_nai' }, 'attribute[kind]'],
        [{ 'attribute[localityCode]': 'X999' }, 'attribute[localityCode]'],
        [{ 'attribute[kind]': ['phan_anh', 'kien_nghi'] }, 'attribute[kind]'],
        [{ 'attribute[consent]': 'false' }, 'attribute[consent]'],
      ];
      for (const [over, field] of cases) {
        const r = await postRequest(stack, format, citizenRequest(apiKey, over));
        expect(r.status, JSON.stringify(over)).toBe(400);
        expect(errorsOf(r, format).map((e) => e.description)).toEqual([expect.stringContaining(field)]);
      }
      const { 'attribute[consent]': _c, ...noConsent } = citizenRequest(apiKey);
      const r = await postRequest(stack, format, noConsent);
      expect(r.status).toBe(400);
      expect(errorsOf(r, format)[0]?.description).toMatch(/^attribute\[consent\]: bắt buộc/);
    });

    it('400 naming every field a PAKN must have (NĐ 20/2008 Đ.7) that is missing', async () => {
      const r = await postRequest(stack, format, {
        api_key: apiKey,
        service_code: 'dat-dai',
        'attribute[consent]': 'true',
        lat: '15.12',
        long: '108.79',
      });
      expect(r.status).toBe(400);
      const named = errorsOf(r, format).map((e) => e.description.split(':')[0]);
      expect(named).toEqual(['description', 'last_name, first_name', 'address_string', 'phone, email']);
    });

    it('400 naming a malformed phone, email, coordinate or media_url', async () => {
      for (const [over, field] of [
        [{ phone: '12345' }, 'phone'],
        [{ email: 'khong-phai-email' }, 'email'],
        [{ lat: '915', long: '108.79' }, 'lat'],
        [{ media_url: 'javascript:alert(1)' }, 'media_url'],
      ] as const) {
        const r = await postRequest(stack, format, citizenRequest(apiKey, over));
        expect(r.status, field).toBe(400);
        expect(errorsOf(r, format)[0]?.description.startsWith(field)).toBe(true);
      }
    });

    it('404 for a jurisdiction_id it does not serve; accepts its own', async () => {
      const other = await postRequest(stack, format, citizenRequest(apiKey, { jurisdiction_id: 'sfgov.org' }));
      expect(other.status).toBe(404);
      errorsOf(other, format);
      const own = await postRequest(stack, format, citizenRequest(apiKey, { jurisdiction_id: 'qng' }));
      expect(own.status).toBe(201);
    });

    it('415 for a body that is not form-encoded, still in the standard’s error format', async () => {
      const r = await stack.api('POST', `/open311/v2/requests.${format}`, { body: citizenRequest(apiKey) });
      expect(r.status).toBe(415);
      errorsOf(r, format);
    });
  });
});

describe('GET requests/[service_request_id].[format] — one request', () => {
  it('JSON: a list of one request with every field, formats as specified', async () => {
    const r = await get(`/open311/v2/requests/${filed}.json`);
    expect(r.status).toBe(200);
    const list = expectJson(r);
    expect(list).toHaveLength(1);
    const req = list[0];
    expect(Object.keys(req)).toEqual(REQUEST_FIELDS);
    expect(req.service_request_id).toBe(filed);
    expect(req.status).toBe('open');
    expect(req.service_code).toBe('dat-dai');
    expect(req.service_name).toBe('Đất đai');
    expect(req.requested_datetime).toMatch(W3C_DATETIME);
    expect(req.updated_datetime).toMatch(W3C_DATETIME);
    expect(req.expected_datetime).toMatch(W3C_DATETIME);
    expect(Date.parse(req.updated_datetime)).toBeGreaterThanOrEqual(Date.parse(req.requested_datetime));
    expect(Date.parse(req.expected_datetime)).toBeGreaterThan(Date.parse(req.requested_datetime));
    expect(typeof req.service_notice).toBe('string');
    for (const empty of ['description', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url']) {
      expect(req[empty], empty).toBeNull();
    }
  });

  it('XML: <service_requests><request> with every field in the same order and values', async () => {
    const json = (await get(`/open311/v2/requests/${filed}.json`)).json[0];
    const r = await get(`/open311/v2/requests/${filed}.xml`);
    expect(r.status).toBe(200);
    const [req] = parseXml(r).service_requests.request;
    expect(Object.keys(req)).toEqual(REQUEST_FIELDS);
    expect(req).toEqual(Object.fromEntries(Object.entries(json).map(([k, v]) => [k, v === null ? '' : String(v)])));
  });

  it('never shows the sender or their text, in JSON or XML', async () => {
    for (const format of FORMATS) {
      const r = await get(`/open311/v2/requests/${filed}.${format}`);
      for (const secret of PRIVATE_TEXT) expect(r.text, `${format}: ${secret}`).not.toContain(secret);
    }
  });

  it('404 for an unknown or malformed id, in the format asked for', async () => {
    for (const format of FORMATS) {
      for (const id of ['QNG-26-ZZZZZZ', 'khong-phai-ma']) {
        const r = await get(`/open311/v2/requests/${id}.${format}`);
        expect(r.status).toBe(404);
        expect(errorsOf(r, format)[0]?.description).toContain('service_request_id');
      }
    }
  });
});

describe('GET requests.[format] — search', () => {
  it('lists recent requests, newest first, every item with every field', async () => {
    const r = await get('/open311/v2/requests.json');
    expect(r.status).toBe(200);
    const list = expectJson(r);
    expect(list.map((x: { service_request_id: string }) => x.service_request_id)).toContain(filed);
    for (const req of list) expect(Object.keys(req)).toEqual(REQUEST_FIELDS);
    const times = list.map((x: { requested_datetime: string }) => Date.parse(x.requested_datetime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const xml = parseXml(await get('/open311/v2/requests.xml')).service_requests.request;
    expect(xml.map((x: { service_request_id: string }) => x.service_request_id)).toEqual(
      list.map((x: { service_request_id: string }) => x.service_request_id),
    );
  });

  it('service_request_id (comma separated) picks requests and overrides the other filters', async () => {
    const r = await get(`/open311/v2/requests.json?service_request_id=${filed},QNG-26-ZZZZZZ&status=closed`);
    expect(r.json.map((x: { service_request_id: string }) => x.service_request_id)).toEqual([filed]);
  });

  it('filters by status, service_code and the requested_datetime range', async () => {
    const ids = async (q: string) =>
      (await get(`/open311/v2/requests.json?${q}`)).json.map(
        (x: { service_request_id: string }) => x.service_request_id,
      );
    expect(await ids('status=open')).toContain(filed);
    expect(await ids('status=closed')).not.toContain(filed);
    expect(await ids('service_code=dat-dai,ho-tich')).toContain(filed);
    expect(await ids('service_code=ho-tich')).not.toContain(filed);
    const at = (await get(`/open311/v2/requests/${filed}.json`)).json[0].requested_datetime;
    const around = (ms: number) => encodeURIComponent(new Date(Date.parse(at) + ms).toISOString());
    expect(await ids(`start_date=${around(-60_000)}&end_date=${around(60_000)}`)).toContain(filed);
    expect(await ids(`start_date=${around(60_000)}&end_date=${around(120_000)}`)).not.toContain(filed);
  });

  it('400 for a range over 90 days, a date without an offset or an unknown status', async () => {
    for (const format of FORMATS) {
      for (const q of [
        'start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z',
        'start_date=2026-01-01',
        'status=pending',
      ]) {
        const r = await get(`/open311/v2/requests.${format}?${q}`);
        expect(r.status, q).toBe(400);
        errorsOf(r, format);
      }
    }
  });

  it('never shows the sender or their text', async () => {
    for (const format of FORMATS) {
      const r = await get(`/open311/v2/requests.${format}`);
      for (const secret of PRIVATE_TEXT) expect(r.text, `${format}: ${secret}`).not.toContain(secret);
    }
  });
});

describe('API keys at the door', () => {
  it('a key over its per-minute limit gets 429 with Retry-After, other keys are not affected', async () => {
    const { apiKey: small } = await issueKey(stack, { name: 'Khóa giới hạn thấp', ratePerMinute: 2 });
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof postRequest>> | undefined;
    for (let i = 0; i < 3; i++) {
      const r = await postRequest(stack, 'xml', citizenRequest(small));
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    // The counter's window is the wall-clock minute: a run crossing a minute boundary may pass a third.
    if (!limited) {
      const r = await postRequest(stack, 'xml', citizenRequest(small));
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    expect(statuses.slice(0, 2)).toEqual([201, 201]);
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(errorsOf(limited as NonNullable<typeof limited>, 'xml')[0]?.description).toContain('api_key');
    expect((await postRequest(stack, 'json', citizenRequest(apiKey))).status).toBe(201);
  });

  it('a revoked key is refused with 403 from its next request on', async () => {
    const key = await issueKey(stack, { name: 'Khóa sẽ thu hồi' });
    expect((await postRequest(stack, 'json', citizenRequest(key.apiKey))).status).toBe(201);
    const admin = await stack.token('admin');
    expect((await stack.api('DELETE', `/v1/admin/open311-keys/${key.id}`, { token: admin })).status).toBe(200);
    const r = await postRequest(stack, 'json', citizenRequest(key.apiKey));
    expect(r.status).toBe(403);
    expect(errorsOf(r, 'json')[0]?.description).toContain('thu hồi');
  });
});
