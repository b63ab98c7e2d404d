/**
 * Helpers for the slow reliability suite, which drives `npm start` as a real child process: a tiny
 * HTTP client for it, tokens, and reading back every case from a stopped stack's data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynalite } from '../../infra/local/dynamo.ts';
import { DynamoStore, documentClient } from '../../shared/adapters/dynamo-store.ts';
import type { Case } from '../../shared/domain/case.ts';

export const QUIET_SDK = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export interface Reply {
  status: number;
  json: any;
  text: string;
}

export async function call(
  url: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const r = await fetch(url + path, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
  });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, text };
}

export async function token(url: string, role: string, agencyId?: string): Promise<string> {
  const r = await call(url, 'POST', '/dev/token', { body: { role, ...(agencyId ? { agencyId } : {}) } });
  if (r.status !== 200) throw new Error(`no token: ${r.text}`);
  return r.json.token as string;
}

export async function dataDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `pakn-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Every case received in [from, to) in a data directory no process holds open (the stack is stopped). */
export async function casesOnDisk(path: string, from: string, to: string): Promise<Case[]> {
  const engine = await startDynalite({ path });
  const doc = documentClient({ endpoint: engine.endpoint });
  try {
    const store = new DynamoStore(doc, 'pakn');
    const out: Case[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listReceived(from, to, { limit: 200, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    return out;
  } finally {
    doc.destroy();
    await engine.close();
  }
}
