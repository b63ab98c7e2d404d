/**
 * Privacy across many generated cases: `npm start` as a child process (debug logging on, stdout and
 * stderr captured), cases arriving by every channel with generated senders, worked through the
 * lifecycle (forwarded, accepted, answered and published, rejected), duplicates, refused
 * submissions, and the scheduled jobs. No public view, and not one line of the logs, may contain a
 * sender's phone, email or address (nor, in a public view, their name).
 *
 * `PAKN_PRIVACY_CASES` (default 60) and `PAKN_PRIVACY_SEED` make the run larger or another one.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_VPCP_SECRET } from '../../infra/local/stack.ts';
import { signBody } from '../../shared/http/hmac.ts';
import { type StackProcess, startStackProcess } from '../support/process.ts';
import { call, dataDir, QUIET_SDK, token } from './support.ts';

const CASES = Number(process.env.PAKN_PRIVACY_CASES ?? 60);
const SEED = Number(process.env.PAKN_PRIVACY_SEED ?? 20_260_316);
const AGENCIES = ['SO-TP', 'SO-XD', 'SO-NNMT', 'SO-YT'];
/** National items the sync pulls (one served malformed and set aside) after a failed first pull. */
const PULLED = 5;

interface Sender {
  name: string;
  phone: string;
  email: string;
  address: string;
}
interface Plan {
  sender: Sender;
  channel: 'web' | 'hotline' | 'vpcp';
  /** What staff do with the case. */
  fate: 'none' | 'forward' | 'answer' | 'reject';
  agencyId: string;
  /** The sender writes again from the same phone (a possible duplicate). */
  again: boolean;
  /** A refused submission carrying the same personal data comes first. */
  refusedFirst: boolean;
  /** Phone typed with spaces or in the +84 form. */
  phoneStyle: 'plain' | 'spaced' | 'international';
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Võ', 'Đặng', 'Bùi', 'Đỗ'];
const GIVEN = ['Văn Hùng', 'Thị Lan', 'Minh Tuấn', 'Thu Hà', 'Quốc Bảo', 'Ngọc Ánh', 'Đức Anh', 'Thị Mai'];
const STREETS = ['Lê Lợi', 'Quang Trung', 'Hùng Vương', 'Phan Đình Phùng', 'Nguyễn Du', 'Trần Hưng Đạo'];

/** Senders unique per case (the index is folded in), so any leak is traceable to one of them. */
const plans = (n: number): Plan[] =>
  fc
    .sample(
      fc.record({
        family: fc.constantFrom(...FAMILY),
        given: fc.constantFrom(...GIVEN),
        prefix: fc.constantFrom('03', '05', '07', '08', '09'),
        digits: fc.integer({ min: 0, max: 99_999 }),
        local: fc.stringMatching(/^[a-z][a-z0-9]{3,10}$/),
        domain: fc.constantFrom('example.com', 'mail.example.vn', 'example.org'),
        house: fc.integer({ min: 1, max: 999 }),
        alley: fc.integer({ min: 1, max: 99 }),
        street: fc.constantFrom(...STREETS),
        channel: fc.constantFrom<Plan['channel']>('web', 'hotline', 'vpcp'),
        fate: fc.constantFrom<Plan['fate']>('none', 'forward', 'answer', 'reject'),
        agencyId: fc.constantFrom(...AGENCIES),
        again: fc.boolean(),
        refusedFirst: fc.boolean(),
        phoneStyle: fc.constantFrom<Plan['phoneStyle']>('plain', 'spaced', 'international'),
      }),
      { numRuns: n, seed: SEED },
    )
    .map((g, i) => ({
      sender: {
        name: `${g.family} ${g.given} ${i.toString(36).toUpperCase()}x`,
        // Three digits of the index keep every phone distinct; the rest is drawn.
        phone: `${g.prefix}${String(i).padStart(3, '0')}${String(g.digits).padStart(5, '0')}`,
        email: `${g.local}.${i}@${g.domain}`,
        address: `Số ${g.house} ngõ ${g.alley} đường ${g.street}, tổ dân phố ${i + 1}`,
      },
      channel: g.channel,
      fate: g.fate,
      agencyId: g.agencyId,
      again: g.again,
      refusedFirst: g.refusedFirst,
      phoneStyle: g.phoneStyle,
    }));

const typedPhone = (p: Plan): string =>
  p.phoneStyle === 'spaced'
    ? `${p.sender.phone.slice(0, 4)} ${p.sender.phone.slice(4, 7)} ${p.sender.phone.slice(7)}`
    : p.phoneStyle === 'international'
      ? `+84${p.sender.phone.slice(1)}`
      : p.sender.phone;

/** Every form of a sender's data that would identify them if it showed up somewhere. */
const secretsOf = (s: Sender): string[] => [
  s.phone,
  s.phone.slice(1), // the national number, as in +84…
  s.email,
  s.address,
];

let stack: StackProcess;
let log = '';
let removeDir: () => Promise<void>;

beforeAll(async () => {
  const dir = await dataDir('privacy');
  removeDir = dir.remove;
  stack = await startStackProcess({ ...QUIET_SDK, PAKN_DATA_DIR: dir.path, LOG_LEVEL: 'debug' });
  stack.child.stdout?.on('data', (d) => {
    log += d;
  });
  stack.child.stderr?.on('data', (d) => {
    log += d;
  });
});
afterAll(async () => {
  await stack?.stop();
  await removeDir?.();
});

describe(`privacy across ${CASES} generated cases (seed ${SEED})`, () => {
  it('no public view and no log line holds a sender’s phone, email or address', async () => {
    const url = stack.url;
    const tokens = new Map<string, string>();
    const tokenFor = async (role: string, agencyId?: string) => {
      const key = `${role}/${agencyId ?? ''}`;
      if (!tokens.has(key)) tokens.set(key, await token(url, role, agencyId));
      return tokens.get(key) as string;
    };
    const calledAt = new Date(Date.now() - 3_600_000).toISOString();
    const generated = plans(CASES + PULLED);
    const all = generated.slice(0, CASES);
    const pulled = generated.slice(CASES);
    const codes: Array<{ code: string; plan: Plan }> = [];

    const submit = async (p: Plan, i: number, repeat: boolean) => {
      const text = `Phản ánh về việc cấp giấy phép xây dựng chậm so với quy định${repeat ? ', gửi lại lần hai' : ''}.`;
      if (p.channel === 'web') {
        return call(url, 'POST', '/v1/cases', {
          body: {
            kind: 'phan_anh',
            title: `Chậm cấp phép xây dựng (${i})`,
            content: text,
            submitter: { name: p.sender.name, address: p.sender.address, phone: typedPhone(p), email: p.sender.email },
            consent: true,
          },
        });
      }
      if (p.channel === 'hotline') {
        return call(url, 'POST', '/v1/hotline/calls', {
          token: await tokenFor('operator'),
          body: {
            calledAt,
            caller: { name: p.sender.name, phone: typedPhone(p), address: p.sender.address },
            content: text,
          },
        });
      }
      const raw = JSON.stringify({
        maPakn: `VPCP-PRIV-${SEED}-${i}${repeat ? '-B' : ''}`,
        tieuDe: `Chậm cấp phép xây dựng (${i})`,
        noiDung: text,
        nguoiGui: { hoTen: p.sender.name, diaChi: p.sender.address, dienThoai: typedPhone(p), email: p.sender.email },
        ngayGui: calledAt,
      });
      return call(url, 'POST', '/v1/integrations/vpcp/items', {
        body: raw,
        headers: { 'x-signature': signBody(DEV_VPCP_SECRET, raw) },
      });
    };

    for (const [i, p] of all.entries()) {
      if (p.refusedFirst) {
        // The same personal data in a submission the API refuses (no consent / a call from the future).
        const refused =
          p.channel === 'hotline'
            ? await call(url, 'POST', '/v1/hotline/calls', {
                token: await tokenFor('operator'),
                body: {
                  calledAt: new Date(Date.now() + 86_400_000).toISOString(),
                  caller: { name: p.sender.name, phone: typedPhone(p), address: p.sender.address },
                  content: 'Cuộc gọi ghi sai thời điểm.',
                },
              })
            : await call(url, 'POST', '/v1/cases', {
                body: {
                  kind: 'phan_anh',
                  title: 'Thiếu đồng ý',
                  content: 'Nội dung phản ánh.',
                  submitter: { name: p.sender.name, address: p.sender.address, email: p.sender.email },
                  consent: false,
                },
              });
        expect(refused.status, refused.text).toBe(422);
      }
      const created = await submit(p, i, false);
      expect(created.status, created.text).toBe(201);
      codes.push({ code: created.json.code, plan: p });
      if (p.again) {
        const second = await submit(p, i, true);
        expect(second.status, second.text).toBe(201);
        codes.push({ code: second.json.code, plan: p });
      }
    }

    const coordinator = await tokenFor('coordinator');
    for (const { code, plan } of codes) {
      if (plan.fate === 'none') continue;
      const full = await call(url, 'GET', `/v1/cases/${code}`, { token: coordinator });
      let agencyId: string = full.json.agencyId ?? plan.agencyId;
      if (plan.fate === 'reject' && full.json.status === 'received') {
        const r = await call(url, 'POST', `/v1/cases/${code}/reject`, {
          token: coordinator,
          body: { reason: 'Nội dung không thuộc phạm vi tiếp nhận phản ánh, kiến nghị; đề nghị gửi đơn khiếu nại.' },
        });
        expect(r.status, r.text).toBe(200);
        continue;
      }
      if (full.json.status === 'received') {
        const r = await call(url, 'POST', `/v1/cases/${code}/classify`, {
          token: coordinator,
          body: { kind: 'phan_anh', contentType: 'hanh_vi', categoryCode: 'xay-dung', agencyId: plan.agencyId },
        });
        expect(r.status, r.text).toBe(200);
        agencyId = plan.agencyId;
      }
      if (plan.fate !== 'answer') continue;
      const officer = await tokenFor('officer', agencyId);
      expect((await call(url, 'POST', `/v1/cases/${code}/accept`, { token: officer, body: {} })).status).toBe(200);
      const resolved = await call(url, 'POST', `/v1/cases/${code}/resolve`, {
        token: officer,
        body: {
          answer: 'Sở đã kiểm tra và cấp giấy phép xây dựng; đề nghị ông/bà liên hệ bộ phận một cửa.',
          publish: true,
        },
      });
      expect(resolved.status, resolved.text).toBe(200);
    }

    // National items to pull, behind a failing first pull and with one served malformed (quarantined):
    // the sync's warnings and quarantine records are where a careless log would copy a sender.
    const items = pulled.map((p, i) => ({
      maPakn: `VPCP-PULL-${SEED}-${i}`,
      tieuDe: `Đường giao thông hư hỏng (${i})`,
      noiDung: 'Đoạn đường liên xã bị sạt lở sau mưa lớn, đề nghị sớm khắc phục.',
      nguoiGui: { hoTen: p.sender.name, diaChi: p.sender.address, dienThoai: typedPhone(p), email: p.sender.email },
      ngayGui: calledAt,
    }));
    for (const [path, body] of [
      ['/dev/vpcp/items', items],
      ['/dev/vpcp/faults', { mode: '5xx', count: 1, on: 'pull' }],
      ['/dev/vpcp/faults', { mode: 'malformed', count: 1 }],
    ] as const) {
      const r = await call(url, 'POST', path, { body });
      expect(r.status, r.text).toBeLessThan(300);
    }

    // The scheduled jobs: the national sync (failing, then not), escalations and digests two months on,
    // the morning summary.
    for (const [job, time] of [
      ['vpcp-sync', new Date().toISOString()],
      ['deadline-scan', new Date(Date.now() + 60 * 86_400_000).toISOString()],
      ['vpcp-sync', new Date().toISOString()],
      ['daily-summary', '2026-03-17T07:30:00+07:00'],
    ]) {
      const r = await call(url, 'POST', `/dev/jobs/${job}`, { body: { time } });
      expect(r.status, r.text).toBe(200);
    }

    const secrets = generated.flatMap((p) => secretsOf(p.sender));
    const names = generated.map((p) => p.sender.name);
    const sync = log.split('\n').filter((l) => l.includes('"vpcp-sync"'));
    expect(sync.some((l) => l.includes('pullError'))).toBe(true);
    expect(sync.some((l) => /"registered":[1-9]/.test(l))).toBe(true);
    // The pulled cases too: the coordinator's list of national cases names them.
    const national = await call(url, 'GET', '/v1/cases?channel=vpcp&limit=100', { token: coordinator });
    expect(national.status, national.text).toBe(200);
    const viewed = new Set([...codes.map((c) => c.code), ...national.json.items.map((c: { code: string }) => c.code)]);
    expect(viewed.size).toBeGreaterThan(codes.length);
    const leaks: string[] = [];
    for (const code of viewed) {
      const view = await call(url, 'GET', `/v1/cases/${code}`);
      expect(view.status).toBe(200);
      for (const s of [...secrets, ...names]) if (view.text.includes(s)) leaks.push(`public view of ${code}: ${s}`);
    }
    // Give the process a moment to flush what it logged for the last requests.
    await new Promise((r) => setTimeout(r, 500));
    for (const s of secrets) if (log.includes(s)) leaks.push(`log: ${s}`);
    expect(leaks).toEqual([]);
    // The check above means something only if the logs saw the work: the jobs log their reports.
    expect(log).toContain('deadline-scan');
    expect(log).toContain('vpcp-sync');
    console.info(
      `[privacy] ${codes.length} cases, ${secrets.length} secrets checked, ${log.split('\n').length} log lines`,
    );
  });
});
