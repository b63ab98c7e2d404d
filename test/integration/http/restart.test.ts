import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startStackProcess } from '../../support/process.ts';
import { sampleCall } from '../../support/stack.ts';

async function call(url: string, method: string, path: string, body?: unknown, token?: string) {
  const r = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, json: (await r.json()) as any };
}

describe('npm start with data on disk', () => {
  it('keeps every case across a stop and start, and does not seed twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pakn-restart-'));
    const first = await startStackProcess({ PAKN_DATA_DIR: dataDir });
    console.log(`npm start answered in ${first.startMs} ms (first start, seeding)`);
    const op = (await call(first.url, 'POST', '/dev/token', { role: 'operator' })).json.token;
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call(first.url, 'POST', '/v1/hotline/calls', sampleCall({ content: `Cuộc gọi số ${i}` }), op);
      expect(r.status).toBe(201);
      codes.push(r.json.code);
    }
    const cats = (await call(first.url, 'GET', '/v1/categories')).json.categories.length;
    await first.stop();

    const second = await startStackProcess({ PAKN_DATA_DIR: dataDir });
    console.log(`npm start answered in ${second.startMs} ms (restart)`);
    try {
      const coord = (await call(second.url, 'POST', '/dev/token', { role: 'coordinator' })).json.token;
      for (const code of codes) {
        const r = await call(second.url, 'GET', `/v1/cases/${code}`, undefined, coord);
        expect(r.status).toBe(200);
        expect(r.json.code).toBe(code);
      }
      expect((await call(second.url, 'GET', '/v1/categories')).json.categories).toHaveLength(cats);
    } finally {
      await second.stop();
    }
  });
});
