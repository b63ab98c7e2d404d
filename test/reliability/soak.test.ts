/**
 * A bounded soak: hotline calls at a steady rate against `npm start` (data on disk) on loopback,
 * driven by autocannon. Zero errors and zero non-2xx answers, and the p99 latency of the last window
 * within a factor of the first window's: a leak, a growing scan or a filling queue would show as
 * latency creeping up while the table grows.
 *
 * Defaults: 3 minutes at 15 calls/s, the first minute compared with the last (CI runs it; a longer
 * soak is e.g. `PAKN_SOAK_SECONDS=900 npm run test:reliability`). `PAKN_SOAK_RATE` sets calls per
 * second, `PAKN_SOAK_P99_FACTOR` the allowed drift (default 3).
 */
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percentile } from '../../bench/support.ts';
import { type StackProcess, startStackProcess } from '../support/process.ts';
import { call, dataDir, QUIET_SDK, token } from './support.ts';

const SECONDS = Number(process.env.PAKN_SOAK_SECONDS ?? 180);
const RATE = Number(process.env.PAKN_SOAK_RATE ?? 15);
const FACTOR = Number(process.env.PAKN_SOAK_P99_FACTOR ?? 3);
/** Compared windows: the first and the last minute, or thirds of a shorter run (at least 5 s each). */
const WINDOW_S = Math.min(60, Math.max(5, SECONDS / 3));
/** Below this, a p99 difference is timer noise, not drift. */
const NOISE_MS = 20;

let stack: StackProcess;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  const dir = await dataDir('soak');
  removeDir = dir.remove;
  stack = await startStackProcess({ ...QUIET_SDK, PAKN_DATA_DIR: dir.path });
});
afterAll(async () => {
  await stack?.stop();
  await removeDir?.();
});

const callBody = (n: number, calledAt: string) =>
  JSON.stringify({
    calledAt,
    caller: { name: 'Người gọi thử tải', phone: `09${String(n).padStart(8, '0')}`, address: 'Thôn 1, xã Sơn Hà' },
    content: `Công dân phản ánh đèn chiếu sáng công cộng trên tuyến đường thôn 1 bị hỏng nhiều ngày (cuộc gọi ${n}).`,
  });

describe(`soak: ${SECONDS} s at ${RATE} hotline calls/s`, () => {
  it('answers every call with 201 and keeps its p99 latency steady', async () => {
    const url = stack.url;
    const operator = await token(url, 'operator');
    const calledAt = new Date(Date.now() - 3_600_000).toISOString();
    // Warm-up: the handler modules load on their first call, as a Lambda's do on a cold start.
    for (let i = 0; i < 10; i++) {
      const r = await call(url, 'POST', '/v1/hotline/calls', {
        token: operator,
        body: JSON.parse(callBody(90_000_000 + i, calledAt)),
      });
      expect(r.status, r.text).toBe(201);
    }

    let n = 0;
    const samples: Array<{ at: number; ms: number }> = [];
    const started = Date.now();
    // The callback form returns the instance, whose per-response events give each latency with its time.
    const result = await new Promise<autocannon.Result>((ok, fail) => {
      const instance = autocannon(
        {
          url: `${url}/v1/hotline/calls`,
          connections: 8,
          overallRate: RATE,
          duration: SECONDS,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
          requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: callBody(n++, calledAt) }) }],
        },
        (err, r) => (err ? fail(err) : ok(r)),
      );
      instance.on('response', (_client, _status, _bytes, responseTime) => {
        samples.push({ at: Date.now() - started, ms: responseTime });
      });
    });

    const first = samples.filter((s) => s.at < WINDOW_S * 1000).map((s) => s.ms);
    const last = samples.filter((s) => s.at >= (SECONDS - WINDOW_S) * 1000).map((s) => s.ms);
    const p99First = percentile(first, 99);
    const p99Last = percentile(last, 99);
    console.info(
      `[soak] ${result['2xx']} × 201 in ${result.duration} s (${Math.round(result['2xx'] / result.duration)}/s), ` +
        `p99 ${result.latency.p99} ms overall, first ${WINDOW_S} s ${Math.round(p99First)} ms, last ${WINDOW_S} s ${Math.round(p99Last)} ms`,
    );
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    // The rate was held: a stack that fell behind would answer fewer calls than were due.
    expect(result['2xx']).toBeGreaterThanOrEqual(Math.floor(RATE * SECONDS * 0.9));
    expect(first.length).toBeGreaterThan(0);
    expect(last.length).toBeGreaterThan(0);
    expect(p99Last).toBeLessThanOrEqual(FACTOR * Math.max(p99First, NOISE_MS));
  });
});
