/**
 * Crash safety: `npm start` (data on disk) killed with SIGKILL in the middle of an intake load, then
 * started again on the same data directory. Every call that was answered 201 must have its case,
 * with its own content; no call may have produced two cases (a call cut off by the kill may have
 * produced one or none: its sender never heard back). Each call carries a unique marker so the
 * cases can be matched to the calls.
 */
import { describe, expect, it } from 'vitest';
import { startStackProcess } from '../support/process.ts';
import { call, casesOnDisk, dataDir, QUIET_SDK, token } from './support.ts';

/** Load before the kill; the kill comes with requests in flight on every connection. */
const LOAD_MS = Number(process.env.PAKN_CRASH_LOAD_MS ?? 5_000);
const CONNECTIONS = 16;
/** A bound on the load whatever the machine's speed. */
const MAX_CALLS = 5_000;
const MARKER = /\[(K[0-9a-z]+-\d+)\]/;

describe('npm start killed hard under load', () => {
  it('keeps every case it answered 201 for, and none twice, after a restart', async () => {
    const dir = await dataDir('crash');
    const run = Date.now().toString(36);
    const windowFrom = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const calledAt = new Date(Date.now() - 3_600_000).toISOString();
    const first = await startStackProcess({ ...QUIET_SDK, PAKN_DATA_DIR: dir.path });
    const operator = await token(first.url, 'operator');

    const acked = new Map<string, string>();
    const unexpected: string[] = [];
    let sent = 0;
    let killed = false;
    const caller = async () => {
      while (!killed && sent < MAX_CALLS) {
        const marker = `K${run}-${sent++}`;
        try {
          const r = await call(first.url, 'POST', '/v1/hotline/calls', {
            token: operator,
            body: {
              calledAt,
              caller: {
                name: 'Người gọi thử',
                phone: `09${String(sent).padStart(8, '0')}`,
                address: 'Thôn 3, xã Sơn Hà',
              },
              title: `Cuộc gọi [${marker}]`,
              content: `Công dân phản ánh đường dây điện hạ thế bị võng thấp, nguy hiểm cho người đi đường [${marker}].`,
            },
          });
          if (r.status === 201) acked.set(marker, r.json.code);
          else if (!killed) unexpected.push(`${r.status} ${r.text.slice(0, 200)}`);
        } catch (e) {
          // A connection the kill cut: expected once killed, a failure before.
          if (!killed) unexpected.push(String(e));
        }
      }
    };
    const load = Promise.all(Array.from({ length: CONNECTIONS }, caller));
    await new Promise((r) => setTimeout(r, LOAD_MS));
    killed = true;
    const inFlightAtKill = sent - acked.size;
    await first.stop('SIGKILL');
    await load;
    expect(unexpected).toEqual([]);
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThan(10);
    expect(inFlightAtKill).toBeGreaterThan(0);

    const second = await startStackProcess({ ...QUIET_SDK, PAKN_DATA_DIR: dir.path });
    try {
      const coordinator = await token(second.url, 'coordinator');
      const missing: string[] = [];
      for (const [marker, code] of acked) {
        const r = await call(second.url, 'GET', `/v1/cases/${code}`, { token: coordinator });
        if (r.status !== 200 || !String(r.json.content).includes(marker))
          missing.push(`${marker} → ${code}: ${r.status}`);
      }
      expect(missing).toEqual([]);
      // The restarted stack takes new work.
      const after = await call(second.url, 'POST', '/v1/hotline/calls', {
        token: await token(second.url, 'operator'),
        body: {
          calledAt,
          caller: { name: 'Người gọi thử', phone: '0987654321' },
          content: 'Cuộc gọi sau khi khởi động lại hệ thống.',
        },
      });
      expect(after.status, after.text).toBe(201);
    } finally {
      await second.stop();
    }

    const stored = await casesOnDisk(dir.path, windowFrom, new Date(Date.now() + 3_600_000).toISOString());
    const byMarker = new Map<string, string[]>();
    for (const c of stored) {
      const marker = MARKER.exec(c.content)?.[1];
      if (marker) byMarker.set(marker, [...(byMarker.get(marker) ?? []), c.code]);
    }
    const twice = [...byMarker].filter(([, codes]) => codes.length > 1);
    expect(twice).toEqual([]);
    for (const [marker, code] of acked) expect(byMarker.get(marker), marker).toEqual([code]);
    console.info(
      `[crash] ${sent} calls sent, ${acked.size} answered 201, ${inFlightAtKill} in flight at the kill, ` +
        `${byMarker.size - acked.size} of those stored anyway; ${stored.length} cases on disk after restart`,
    );
    await dir.remove();
  });
});
