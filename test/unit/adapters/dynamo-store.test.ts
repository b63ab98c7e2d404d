/**
 * Fault injection for the DynamoDB store: which errors become domain errors, which propagate, and
 * that the SDK's standard retry (not our code) absorbs throttling before giving up loudly.
 */
import { ConditionalCheckFailedException, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoStore, documentClient } from '../../../shared/adapters/dynamo-store.ts';
import { DUE_INDEX, DUE_SHARDS, duePartition } from '../../../shared/adapters/table.ts';
import { CodeTaken, VersionConflict } from '../../../shared/domain/errors.ts';
import { aCase } from '../../support/cases.ts';

const TABLE = 'pakn-test';

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () =>
  new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput', $metadata: {} });

describe('DynamoStore error mapping (mocked client)', () => {
  // Mock one instance, not the class, so the retry tests below keep a real client.
  const doc = documentClient({ region: 'ap-southeast-1' });
  const ddb = mockClient(doc);
  const store = new DynamoStore(doc, TABLE);

  beforeEach(() => ddb.reset());

  it('maps a failed version condition on save to VersionConflict', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    const err = await store.save(aCase({ version: 3 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VersionConflict);
    expect((err as VersionConflict).caseCode).toBe('QNG-26-7KQ4MX');
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('#v = :prev');
    expect(input?.ExpressionAttributeValues).toEqual({ ':prev': 2 });
  });

  it('maps a failed existence condition on create to CodeTaken', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(store.create(aCase())).rejects.toBeInstanceOf(CodeTaken);
  });

  it('maps a failed condition on putReference to VersionConflict', async () => {
    // No snapshot and no items yet: the size check before the write reads them.
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(
      store.putReference('categories', 'x', { a: 1 }, 0, 'admin', '2026-03-10T08:00:00+07:00'),
    ).rejects.toBeInstanceOf(VersionConflict);
  });

  it('lets every other error through unchanged (throttling is not a conflict)', async () => {
    const boom = throttled();
    ddb.on(PutCommand).rejects(boom);
    ddb.on(GetCommand).rejects(boom);
    ddb.on(QueryCommand).rejects(boom);
    await expect(store.save(aCase({ version: 2 }))).rejects.toBe(boom);
    await expect(store.create(aCase())).rejects.toBe(boom);
    await expect(store.get('QNG-26-7KQ4MX')).rejects.toBe(boom);
    await expect(store.listDue('2026-03-12T00:00:00+07:00')).rejects.toBe(boom);
    await expect(store.claimIntakeKey({ key: 'IDEM#k', requestHash: 'h', code: 'C', receivedAt: 'r' })).rejects.toBe(
      boom,
    );
  });

  it('listDue queries every shard of the due index (all pages), returns its copies, never scans or gets', async () => {
    ddb
      .on(QueryCommand)
      .callsFake((input: { ExpressionAttributeValues: Record<string, string>; ExclusiveStartKey?: unknown }) => {
        const shard = input.ExpressionAttributeValues[':pk'];
        if (shard === duePartition(3) && !input.ExclusiveStartKey) {
          return {
            Items: [{ code: 'B', dueAt: '2026-03-11T09:00:00.000+07:00', gsi1sk: '2026-03-11T09:00:00.000+07:00#B' }],
            LastEvaluatedKey: { pk: 'CASE#B', sk: 'CASE', gsi1pk: shard, gsi1sk: '2026-03-11T09:00:00.000+07:00#B' },
          };
        }
        if (shard === duePartition(3)) {
          return {
            Items: [{ code: 'C', dueAt: '2026-03-11T10:00:00+07:00', gsi1sk: '2026-03-11T10:00:00.000+07:00#C' }],
          };
        }
        if (shard === duePartition(5)) {
          return { Items: [{ code: 'A', dueAt: '2026-03-11T01:00:00Z', gsi1sk: '2026-03-11T08:00:00.000+07:00#A' }] };
        }
        return { Items: [] };
      });
    const due = await store.listDue('2026-03-12T00:00:00+07:00');
    // The index projects whole cases; the copy comes without the table's own attributes.
    expect(due).toEqual([
      { code: 'A', dueAt: '2026-03-11T01:00:00Z', indexed: { code: 'A' } },
      { code: 'B', dueAt: '2026-03-11T09:00:00.000+07:00', indexed: { code: 'B' } },
      { code: 'C', dueAt: '2026-03-11T10:00:00+07:00', indexed: { code: 'C' } },
    ]);
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries).toHaveLength(DUE_SHARDS + 1);
    expect(new Set(queries.map((q) => q.ExpressionAttributeValues?.[':pk']))).toEqual(
      new Set(Array.from({ length: DUE_SHARDS }, (_, i) => duePartition(i))),
    );
    for (const q of queries) {
      expect(q.IndexName).toBe(DUE_INDEX);
      expect(q.ExpressionAttributeValues?.[':bound']).toBe('2026-03-12T00:00:00.000+07:00#\uffff');
    }
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});

/**
 * A stand-in HTTP handler below the SDK's retry middleware: it answers each attempt with the next
 * scripted status, so the real standard retry strategy runs.
 */
function scriptedHandler(script: { status: number; type?: string }[]) {
  let attempts = 0;
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    destroy: () => {},
    async handle() {
      const step = script[Math.min(attempts, script.length - 1)] ?? { status: 200 };
      attempts++;
      const body =
        step.status === 200
          ? {}
          : { __type: `com.amazonaws.dynamodb.v20120810#${step.type}`, message: 'injected fault' };
      return {
        response: {
          statusCode: step.status,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `req-${attempts}` },
          body: new TextEncoder().encode(JSON.stringify(body)),
        },
      };
    },
  };
  return { handler, attempts: () => attempts };
}

describe('DynamoStore under throttling (real SDK retry)', () => {
  // Zero jitter: the backoff delays become 0 ms, so the test does not sleep.
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('retries throttling up to maxAttempts, then surfaces the ThrottlingException', async () => {
    const fake = scriptedHandler([{ status: 400, type: 'ThrottlingException' }]);
    const doc = documentClient({ endpoint: 'http://127.0.0.1:1', maxAttempts: 4, requestHandler: fake.handler });
    const err = await new DynamoStore(doc, TABLE).get('QNG-26-7KQ4MX').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('ThrottlingException');
    expect((err as { $metadata: { attempts: number } }).$metadata.attempts).toBe(4);
    expect(fake.attempts()).toBe(4);
  });

  it('a throttled conditional write that succeeds on retry is not a conflict', async () => {
    const fake = scriptedHandler([
      { status: 400, type: 'ProvisionedThroughputExceededException' },
      { status: 500, type: 'InternalServerError' },
      { status: 200 },
    ]);
    const doc = documentClient({ endpoint: 'http://127.0.0.1:1', maxAttempts: 3, requestHandler: fake.handler });
    await new DynamoStore(doc, TABLE).save(aCase({ version: 2 }));
    expect(fake.attempts()).toBe(3);
  });

  it('does not retry a failed condition: one attempt, then VersionConflict', async () => {
    const fake = scriptedHandler([{ status: 400, type: 'ConditionalCheckFailedException' }]);
    const doc = documentClient({ endpoint: 'http://127.0.0.1:1', maxAttempts: 3, requestHandler: fake.handler });
    await expect(new DynamoStore(doc, TABLE).save(aCase({ version: 2 }))).rejects.toBeInstanceOf(VersionConflict);
    expect(fake.attempts()).toBe(1);
  });
});
