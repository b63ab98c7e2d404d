/**
 * DynamoDB failing under intake, at both layers where it can fail:
 * - below the SDK: a throttling or 5xx answer from the service, which the SDK's standard retry
 *   absorbs (a fault proxy on loopback between the adapter and dynalite);
 * - above it: errors the SDK gives up on and throws (aws-sdk-client-mock on the document client
 *   every handler uses), including the ambiguous kind where the write landed but the answer was
 *   lost. The API must answer 5xx, the sender retries with the same Idempotency-Key, and the end
 *   state must be one whole case per submission: never none, never two, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoStore, documentClient } from '../../../shared/adapters/dynamo-store.ts';
import { submitWebCase } from '../../../shared/app/channels.ts';
import type { AppDeps } from '../../../shared/app/context.ts';
import type { Case } from '../../../shared/domain/case.ts';
import { webSubmission } from '../../../shared/domain/schemas.ts';
import { sampleWebCase, startTestStack, type TestStack } from '../../support/stack.ts';

let stack: TestStack;
let ddb: AwsStub<any, any, any> | undefined;

beforeAll(async () => {
  stack = await startTestStack();
});
// Every injected fault is logged as an error with its stack: expected here, and only noise in the run's output.
beforeEach(() => {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  ddb?.restore();
  vi.restoreAllMocks();
});
afterAll(() => stack?.close());

/** What the SDK throws once its retries are spent, as the service names them. */
const throttled = () =>
  Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded.'), {
    name: 'ProvisionedThroughputExceededException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400, attempts: 3 },
  });
const serverError = () =>
  Object.assign(new Error('Internal server error'), {
    name: 'InternalServerError',
    $fault: 'server',
    $metadata: { httpStatusCode: 500, attempts: 3 },
  });

/** A small deterministic generator (mulberry32): the same faults on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every case of the table whose title carries the marker (the run's own submissions). */
async function casesMarked(marker: string): Promise<Case[]> {
  const from = new Date(Date.now() - 10 * 60_000).toISOString();
  const to = new Date(Date.now() + 10 * 60_000).toISOString();
  const out: Case[] = [];
  let cursor: string | undefined;
  do {
    const page = await stack.store.listReceived(from, to, { limit: 200, ...(cursor ? { cursor } : {}) });
    out.push(...page.items.filter((c) => c.title.includes(marker)));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** A whole case: registered, on the clock, its history starting with the receipt. */
function expectWhole(c: Case): void {
  expect(c.version).toBeGreaterThanOrEqual(1);
  expect(c.history[0]?.action).toBe('received');
  expect(c.deadlines.length).toBeGreaterThanOrEqual(1);
  expect(['received', 'assigned']).toContain(c.status);
  expect(c.intakeKey).toMatch(/^IDEM#web#/);
}

describe('faults the SDK gives up on (aws-sdk-client-mock on the document client)', () => {
  it('throttling and 5xx on a quarter of the calls, some after the write landed: one whole case per key', async () => {
    const marker = `FLT${Date.now().toString(36)}`;
    const random = seeded(8);
    let injected = 0;
    ddb = mockClient(DynamoDBDocumentClient);
    const real = ddb.send.wrappedMethod as (this: DynamoDBDocumentClient, command: unknown) => Promise<unknown>;
    ddb.send.callsFake(async function (this: DynamoDBDocumentClient, command: unknown) {
      const roll = random();
      if (roll < 0.1) {
        injected++;
        throw random() < 0.5 ? throttled() : serverError();
      }
      if (roll < 0.25) {
        // The ambiguous failure: the service applied the write (or served the read), the caller never heard.
        await real.call(this, command);
        injected++;
        throw serverError();
      }
      return real.call(this, command);
    });

    const SENDERS = 20;
    const results = await Promise.all(
      Array.from({ length: SENDERS }, async (_, i) => {
        const key = `${marker}-sender-${i}`;
        const body = sampleWebCase({
          title: `Phản ánh ${marker} số ${i}`,
          submitter: { name: 'Người gửi thử', address: 'Tổ 1, phường Trần Phú', email: `${marker}-${i}@example.com` },
        });
        const statuses: number[] = [];
        // A browser retrying the same submission, bounded: 40 tries are far more than the faults need.
        for (let attempt = 0; attempt < 40; attempt++) {
          const r = await stack.api('POST', '/v1/cases', { body, headers: { 'idempotency-key': key } });
          statuses.push(r.status);
          if (r.status < 500) return { key, statuses, code: r.json?.code as string | undefined, final: r.status };
        }
        return { key, statuses, code: undefined, final: statuses.at(-1) };
      }),
    );
    ddb.restore();

    expect(injected).toBeGreaterThan(20);
    const retried = results.filter((r) => r.statuses.length > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.final, `${r.key}: ${r.statuses.join(',')}`).toBeOneOf([200, 201]);
      // Every failed attempt was a server error the client may retry, never a 4xx that would make it give up.
      expect(r.statuses.slice(0, -1).every((s) => s === 500 || s === 503)).toBe(true);
    }
    const stored = await casesMarked(marker);
    expect(stored).toHaveLength(SENDERS);
    expect(new Set(stored.map((c) => c.code))).toEqual(new Set(results.map((r) => r.code)));
    for (const c of stored) expectWhole(c);
    // Each acknowledgement went out at most once, and one marked sent did go out.
    const mails = (
      (await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: Array<{ destination: { to: string[] } }> }
    ).emails;
    for (const c of stored) {
      const to = c.submitter.email as string;
      const sent = mails.filter((m) => m.destination.to.includes(to)).length;
      expect(sent, to).toBeLessThanOrEqual(1);
      const ack = c.outbox.find((m) => m.template === 'ack');
      if (ack?.status === 'sent') expect(sent, to).toBe(1);
    }

    // A replay after recovery answers with the same code and stores nothing new.
    const again = await stack.api('POST', '/v1/cases', {
      body: sampleWebCase({
        title: `Phản ánh ${marker} số 0`,
        submitter: { name: 'Người gửi thử', address: 'Tổ 1, phường Trần Phú', email: `${marker}-0@example.com` },
      }),
      headers: { 'idempotency-key': `${marker}-sender-0` },
    });
    expect(again.status).toBe(200);
    expect(again.json.code).toBe(results[0]?.code);
    expect(await casesMarked(marker)).toHaveLength(SENDERS);
  });

  it('a case write lost after it landed is replayed, not registered twice', async () => {
    const marker = `AMB${Date.now().toString(36)}`;
    ddb = mockClient(DynamoDBDocumentClient);
    const real = ddb.send.wrappedMethod as (this: DynamoDBDocumentClient, command: any) => Promise<unknown>;
    let lost = 0;
    ddb.send.callsFake(async function (this: DynamoDBDocumentClient, command: any) {
      const out = await real.call(this, command);
      // Only the first creation of the case item: the conditional Put on a new CASE# key.
      const input = command?.input ?? {};
      if (
        lost === 0 &&
        String(input.Item?.pk).startsWith('CASE#') &&
        /attribute_not_exists/.test(input.ConditionExpression ?? '')
      ) {
        lost++;
        throw serverError();
      }
      return out;
    });
    const body = sampleWebCase({ title: `Phản ánh ${marker}` });
    const first = await stack.api('POST', '/v1/cases', { body, headers: { 'idempotency-key': `${marker}-key` } });
    expect(first.status).toBe(500);
    const second = await stack.api('POST', '/v1/cases', { body, headers: { 'idempotency-key': `${marker}-key` } });
    ddb.restore();
    expect(lost).toBe(1);
    expect(second.status).toBeOneOf([200, 201]);
    const stored = await casesMarked(marker);
    expect(stored.map((c) => c.code)).toEqual([second.json.code]);
    expectWhole(stored[0] as Case);
  });
});

/**
 * A loopback proxy in front of dynalite that answers some requests itself, as DynamoDB does when it
 * throttles or fails: never the same request twice in a row, so the SDK's three attempts suffice.
 */
async function faultProxy(target: string): Promise<{ url: string; faults: () => number; close(): Promise<void> }> {
  let count = 0;
  let faults = 0;
  let lastFailed = false;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    count++;
    if (!lastFailed && count % 4 === 0) {
      lastFailed = true;
      faults++;
      const throttle = faults % 2 === 1;
      res.writeHead(throttle ? 400 : 500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify(
          throttle
            ? {
                __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
                message: 'Rate of requests exceeds the allowed throughput.',
              }
            : { __type: 'com.amazon.coral.service#InternalFailure', message: 'Internal failure' },
        ),
      );
      return;
    }
    lastFailed = false;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers[k] = v;
    const upstream = await fetch(`${target}${req.url ?? '/'}`, {
      method: req.method ?? 'POST',
      headers,
      body: Buffer.concat(chunks),
    });
    res.writeHead(upstream.status, Object.fromEntries(upstream.headers));
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    faults: () => faults,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

describe('faults the SDK absorbs (throttling and 5xx answers from the service)', () => {
  it('retries them with back-off: every submission registered once, the caller never sees them', async () => {
    const proxy = await faultProxy(String(process.env.DYNAMODB_ENDPOINT));
    const doc = documentClient({ endpoint: proxy.url });
    const store = new DynamoStore(doc, String(process.env.TABLE_NAME));
    const deps: AppDeps = {
      cases: store,
      reference: store,
      mailer: { send: async () => ({ messageId: 'local' }) },
      random: (n) => randomBytes(n),
      settings: { provinceCode: 'QNG', publicBaseUrl: 'http://127.0.0.1' },
    };
    const marker = `SDK${Date.now().toString(36)}`;
    try {
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const input = webSubmission.parse(sampleWebCase({ title: `Phản ánh ${marker} số ${i}` }));
        const result = await submitWebCase(deps, input, `${marker}-${i}`, new Date());
        codes.push(result.case.code);
      }
      expect(proxy.faults()).toBeGreaterThan(4);
      const stored = await casesMarked(marker);
      expect(stored.map((c) => c.code).sort()).toEqual([...codes].sort());
      for (const c of stored) expectWhole(c);
    } finally {
      doc.destroy();
      await proxy.close();
    }
  });
});
