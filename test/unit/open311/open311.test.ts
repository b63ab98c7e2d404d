/**
 * The Open311 use cases without HTTP: cases as service requests (public fields only), the search's
 * window, order and filters, the form's mapping onto the web form's rules, and API keys.
 */
import { createHash, randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  checkJurisdiction,
  MAX_REQUESTS,
  open311Request,
  open311Requests,
  open311ServiceDefinition,
  open311Services,
  submitOpen311Request,
  toServiceRequest,
} from '../../../shared/app/open311.ts';
import { authorizeOpen311Key, createOpen311Key, revokeOpen311Key } from '../../../shared/app/open311-keys.ts';
import type { Open311Deps, Open311Key, Open311KeyStore } from '../../../shared/app/open311-ports.ts';
import type { RateLimiter } from '../../../shared/app/ports.ts';
import { toVnIso } from '../../../shared/calendar/index.ts';
import { SYSTEM } from '../../../shared/domain/actor.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { DomainError } from '../../../shared/domain/errors.ts';
import { registerCase, type TransitionContext } from '../../../shared/domain/lifecycle.ts';
import { MemoryStore } from '../reports/support/memory-store.ts';

const DAY = 86_400_000;
const NOW = new Date('2026-03-20T10:00:00+07:00');
const ADMIN = { id: 'quan-tri', name: 'Quản trị', roles: ['admin' as const] };

class MemoryKeys implements Open311KeyStore {
  readonly keys = new Map<string, Open311Key>();
  readonly windows = new Map<string, { minute: string; count: number }>();
  async createKey(k: Open311Key) {
    if (this.keys.has(k.id)) return false;
    this.keys.set(k.id, { ...k });
    return true;
  }
  async getKey(id: string) {
    const k = this.keys.get(id);
    return k && { ...k };
  }
  async revokeKey(id: string, by: string, at: string) {
    const k = this.keys.get(id);
    if (!k) return undefined;
    k.revokedAt ??= at;
    k.revokedBy ??= by;
    return { ...k };
  }
}

/** The limiter's contract in memory: fixed one-minute windows per scope and client. */
class MemoryLimiter implements RateLimiter {
  readonly windows = new Map<string, { minute: number; count: number }>();
  async allow(scope: string, client: string, now: Date, limit: number) {
    const minute = Math.floor(now.getTime() / 60_000);
    const w = this.windows.get(`${scope}#${client}`);
    if (!w || w.minute !== minute) {
      this.windows.set(`${scope}#${client}`, { minute, count: 1 });
      return true;
    }
    if (w.count >= limit) return false;
    w.count++;
    return true;
  }
}

const ctx = (now: Date): TransitionContext => ({
  now,
  actor: SYSTEM,
  iso: toVnIso,
  deadlineFor: (_step, from) => toVnIso(new Date(from.getTime() + 5 * DAY)),
  extendDeadline: (dueAt) => dueAt,
});

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
let seq = 0;
/** A distinct valid tracking code per call. */
function nextCode(): string {
  let n = ++seq;
  let tail = '';
  for (let i = 0; i < 6; i++, n = Math.floor(n / ALPHABET.length)) tail = ALPHABET[n % ALPHABET.length] + tail;
  return `QNG-26-${tail}`;
}

function caseAt(receivedAt: Date, over: Partial<Case> = {}): Case {
  const code = nextCode();
  const c = registerCase(
    {
      channel: 'web',
      kind: 'phan_anh',
      title: 'Chậm cấp sổ đỏ tại xã Sơn Hà',
      content: 'Nội dung riêng của người gửi, không được công khai.',
      categoryCode: 'dat-dai',
      submitter: {
        name: 'Trần Thị Kiểm',
        address: 'Tổ 3, phường Cẩm Thành',
        phone: '0900000456',
        email: 'kiem@example.com',
      },
      receivedAt,
    },
    code,
    ctx(receivedAt),
  );
  return { ...c, ...over };
}

let store: MemoryStore;
let keys: MemoryKeys;
let deps: Open311Deps;

beforeEach(() => {
  store = new MemoryStore();
  keys = new MemoryKeys();
  deps = {
    ...store.deps,
    mailer: { send: async () => ({ messageId: 'x' }) },
    random: (n: number) => randomBytes(n),
    settings: { provinceCode: 'QNG', publicBaseUrl: 'http://127.0.0.1' },
    open311Keys: keys,
    limiter: new MemoryLimiter(),
  } as unknown as Open311Deps;
});

const put = (...cases: Case[]) => Promise.all(cases.map((c) => store.create(c)));

describe('a case as a service request', () => {
  it('is open with the running deadline as expected_datetime, and shows nothing of the sender', async () => {
    const c = caseAt(new Date('2026-03-10T09:00:00+07:00'), { agencyId: 'SO-NNMT' });
    await put(c);
    const [r] = await open311Request(deps, c.code, {}, NOW);
    expect(r).toMatchObject({
      service_request_id: c.code,
      status: 'open',
      status_notes: null,
      service_code: 'dat-dai',
      service_name: 'Đất đai',
      agency_responsible: 'Sở Nông nghiệp và Môi trường',
      requested_datetime: '2026-03-10T09:00:00+07:00',
      expected_datetime: c.deadlines[0]?.dueAt,
      description: null,
      address: null,
    });
    const text = JSON.stringify(r);
    for (const secret of ['Trần Thị Kiểm', '0900000456', 'kiem@example.com', 'Tổ 3', 'Nội dung riêng', 'Chậm cấp']) {
      expect(text).not.toContain(secret);
    }
  });

  it('is closed with the published answer as status_notes, and no expected_datetime', () => {
    const answer = { text: 'Đã cấp giấy chứng nhận ngày 15/3.', at: '2026-03-15T10:00:00+07:00', by: 'can-bo' };
    const resolved = caseAt(new Date('2026-03-10T09:00:00+07:00'), {
      status: 'resolved',
      answer,
      published: true,
      history: [{ at: '2026-03-15T10:00:00+07:00', actor: 'can-bo', action: 'resolved', public: true }],
    });
    const ref = { categories: [], agencies: [] } as never;
    expect(toServiceRequest(resolved, ref, NOW)).toMatchObject({
      status: 'closed',
      status_notes: answer.text,
      expected_datetime: null,
      updated_datetime: '2026-03-15T10:00:00+07:00',
    });
    expect(toServiceRequest({ ...resolved, published: false }, ref, NOW).status_notes).toBeNull();
    for (const status of ['rejected', 'duplicate'] as const) {
      expect(toServiceRequest({ ...resolved, status }, ref, NOW).status).toBe('closed');
    }
  });

  it('answers unknown and malformed ids alike (404)', async () => {
    for (const id of ['QNG-26-ZZZZZZ', 'not-a-code', '../etc']) {
      await expect(open311Request(deps, id, {}, NOW)).rejects.toMatchObject({ kind: 'not_found' });
    }
  });
});

describe('searching requests', () => {
  it('returns the last 90 days by default, newest first, across months', async () => {
    const old = caseAt(new Date(NOW.getTime() - 91 * DAY));
    const jan = caseAt(new Date('2026-01-25T08:00:00+07:00'));
    const feb = caseAt(new Date('2026-02-28T23:30:00+07:00'));
    const mar = caseAt(new Date('2026-03-01T00:10:00+07:00'));
    await put(old, jan, feb, mar);
    const ids = (await open311Requests(deps, {}, NOW)).map((r) => r.service_request_id);
    expect(ids).toEqual([mar.code, feb.code, jan.code]);
  });

  it('filters by date range (end inclusive), status and service_code', async () => {
    const a = caseAt(new Date('2026-03-02T08:00:00+07:00'));
    const b = caseAt(new Date('2026-03-03T08:00:00+07:00'), { categoryCode: 'ho-tich' });
    const c = caseAt(new Date('2026-03-04T08:00:00+07:00'), { status: 'resolved' });
    await put(a, b, c);
    const q = (query: Record<string, string>) =>
      open311Requests(deps, query, NOW).then((rs) => rs.map((r) => r.service_request_id));
    expect(await q({ start_date: '2026-03-02T08:00:00+07:00', end_date: '2026-03-03T08:00:00+07:00' })).toEqual([
      b.code,
      a.code,
    ]);
    expect(await q({ status: 'closed' })).toEqual([c.code]);
    expect(await q({ status: 'open,closed', service_code: 'ho-tich' })).toEqual([b.code]);
    expect(await q({ service_request_id: `${c.code},QNG-26-ZZZZZZ,junk`, status: 'open' })).toEqual([c.code]);
  });

  it('refuses a range over 90 days, an end before the start, a bad date or status', async () => {
    const fields = async (query: Record<string, string>) => {
      const e = await open311Requests(deps, query, NOW).catch((x: DomainError) => x);
      expect(e).toBeInstanceOf(DomainError);
      return (e as DomainError).fields?.map((f) => f.field);
    };
    expect(await fields({ start_date: '2025-01-01T00:00:00Z', end_date: '2025-06-01T00:00:00Z' })).toEqual([
      'start_date',
    ]);
    expect(await fields({ start_date: '2026-03-05T00:00:00Z', end_date: '2026-03-01T00:00:00Z' })).toEqual([
      'end_date',
    ]);
    expect(await fields({ start_date: '2026-03-05' })).toEqual(['start_date']);
    expect(await fields({ status: 'pending' })).toEqual(['status']);
  });

  it(`returns at most ${MAX_REQUESTS}, the newest`, async () => {
    const cases = Array.from({ length: MAX_REQUESTS + 5 }, (_, i) =>
      caseAt(new Date(NOW.getTime() - (i + 1) * 60_000)),
    );
    await put(...cases);
    const out = await open311Requests(deps, {}, NOW);
    expect(out).toHaveLength(MAX_REQUESTS);
    expect(out[0]?.service_request_id).toBe(cases[0]?.code);
    expect(out.at(-1)?.service_request_id).toBe(cases[MAX_REQUESTS - 1]?.code);
  });
});

describe('services and jurisdiction', () => {
  it('lists every category as a realtime service with metadata, grouped by its agency', async () => {
    const services = await open311Services(deps, {}, NOW);
    expect(services.length).toBeGreaterThan(5);
    expect(services.find((s) => s.service_code === 'dat-dai')).toEqual({
      service_code: 'dat-dai',
      service_name: 'Đất đai',
      description: expect.stringContaining('Đất đai'),
      metadata: true,
      type: 'realtime',
      keywords: 'đất đai',
      group: 'Sở Nông nghiệp và Môi trường',
    });
    const names = services.map((s) => s.service_name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'vi')));
  });

  it('defines the attributes, the consent required, and 404 for an unknown service', async () => {
    const def = await open311ServiceDefinition(deps, 'dat-dai', {}, NOW);
    expect(def.attributes.find((a) => a.code === 'consent')).toMatchObject({ required: true, variable: true });
    expect(def.attributes.map((a) => a.order)).toEqual([...def.attributes.map((a) => a.order)].sort((a, b) => a - b));
    await expect(open311ServiceDefinition(deps, 'khong-co', {}, NOW)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('accepts no jurisdiction_id or its own, in any case, and nothing else', () => {
    for (const j of [undefined, '', 'QNG', 'qng']) expect(() => checkJurisdiction(deps, j)).not.toThrow();
    expect(() => checkJurisdiction(deps, 'sfgov.org')).toThrow(DomainError);
  });
});

describe('API keys', () => {
  it('are shown once and kept only as a salted hash', async () => {
    const issued = await createOpen311Key(deps, { name: 'Ứng dụng thử' }, ADMIN, NOW);
    expect(issued.apiKey).toMatch(/^[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    const stored = keys.keys.get(issued.id) as Open311Key;
    const secret = issued.apiKey.split('.')[1] as string;
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored.hash).toBe(createHash('sha256').update(`${stored.salt}.${secret}`).digest('hex'));
    expect(stored).toMatchObject({ ratePerMinute: 60, createdBy: ADMIN.id, name: 'Ứng dụng thử' });
    const other = await createOpen311Key(deps, { name: 'Ứng dụng khác' }, ADMIN, NOW);
    expect((keys.keys.get(other.id) as Open311Key).salt).not.toBe(stored.salt);
  });

  it('refuse a missing, malformed, unknown, wrong or revoked key (403)', async () => {
    const { id, apiKey } = await createOpen311Key(deps, { name: 'Ứng dụng thử' }, ADMIN, NOW);
    const [kid] = apiKey.split('.');
    for (const bad of [undefined, '', 'abc', `${kid}.${'A'.repeat(43)}`, `ffffffffffffffff.${apiKey.split('.')[1]}`]) {
      await expect(authorizeOpen311Key(deps, bad, NOW), String(bad)).rejects.toMatchObject({ kind: 'forbidden' });
    }
    await expect(authorizeOpen311Key(deps, apiKey, NOW)).resolves.toMatchObject({ id });
    await revokeOpen311Key(deps, id, ADMIN, NOW);
    await expect(authorizeOpen311Key(deps, apiKey, NOW)).rejects.toThrow(/thu hồi/);
    await expect(revokeOpen311Key(deps, 'ffffffffffffffff', ADMIN, NOW)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('allow each key its own number of requests per minute', async () => {
    const { apiKey } = await createOpen311Key(deps, { name: 'Ứng dụng thử', ratePerMinute: 3 }, ADMIN, NOW);
    const { apiKey: other } = await createOpen311Key(deps, { name: 'Ứng dụng khác', ratePerMinute: 3 }, ADMIN, NOW);
    for (let i = 0; i < 3; i++) await authorizeOpen311Key(deps, apiKey, NOW);
    const refused = (await authorizeOpen311Key(deps, apiKey, NOW).catch(
      (e: DomainError & { retryAfterSeconds: number }) => e,
    )) as DomainError & { retryAfterSeconds: number };
    expect(refused).toMatchObject({ kind: 'rate_limited' });
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    await expect(authorizeOpen311Key(deps, other, NOW)).resolves.toBeDefined();
    await expect(authorizeOpen311Key(deps, apiKey, new Date(NOW.getTime() + 60_000))).resolves.toBeDefined();
  });
});

describe('filing a request: the web form’s rules, named in Open311 fields', () => {
  let apiKey: string;
  beforeEach(async () => {
    apiKey = (await createOpen311Key(deps, { name: 'Ứng dụng thử' }, ADMIN, NOW)).apiKey;
  });

  const fields = async (form: Record<string, string | string[]>) => {
    const e = await submitOpen311Request(deps, form, undefined, NOW).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).fields?.map((f) => f.field) ?? [];
  };

  it('names every missing field the PAKN must have', async () => {
    expect(await fields({ api_key: apiKey, service_code: 'dat-dai' })).toEqual(
      expect.arrayContaining(['attribute[consent]']),
    );
    expect(await fields({ api_key: apiKey, service_code: 'dat-dai', 'attribute[consent]': 'true' })).toEqual([
      'description',
      'last_name, first_name',
      'address_string',
      'phone, email',
    ]);
  });

  it('names a bad phone, a bad email and an unknown service by their Open311 names', async () => {
    const base = {
      api_key: apiKey,
      'attribute[consent]': 'true',
      first_name: 'Kiểm',
      last_name: 'Trần Thị',
      address_string: 'Tổ 3',
      description: 'Nội dung',
    };
    expect(await fields({ ...base, service_code: 'dat-dai', phone: '12345' })).toEqual(['phone']);
    expect(await fields({ ...base, service_code: 'dat-dai', email: 'khong-phai-email' })).toEqual(['email']);
    expect(await fields({ ...base, service_code: 'khong-co', phone: '0900000456' })).toEqual(['service_code']);
    expect(await fields({ ...base, service_code: 'dat-dai', phone: '0900000456', lat: '15.1' })).toEqual(['lat, long']);
  });

  it('checks attributes against the service definition', async () => {
    const base = { api_key: apiKey, service_code: 'dat-dai', 'attribute[consent]': 'true' };
    expect(await fields({ ...base, 'attribute[mau_sac]': 'do' })).toContain('attribute[mau_sac]');
    expect(await fields({ ...base, 'attribute[kind]': 'khieu_nai' })).toContain('attribute[kind]');
    expect(await fields({ ...base, 'attribute[huong_dan]': 'x' })).toContain('attribute[huong_dan]');
    expect(await fields({ ...base, 'attribute[kind]': ['phan_anh', 'kien_nghi'] })).toContain('attribute[kind]');
    expect(await fields({ ...base, 'attribute[consent]': 'false' })).toContain('attribute[consent]');
  });

  it('checks the key before anything else', async () => {
    const e = await submitOpen311Request(deps, { service_code: 'x' }, undefined, NOW).catch((x: DomainError) => x);
    expect(e).toMatchObject({ kind: 'forbidden', fields: [{ field: 'api_key' }] });
  });
});
