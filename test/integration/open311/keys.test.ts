/**
 * Open311 client keys as the admin API manages them: issued to admins only, shown once, stored as a
 * salted hash (never the key), revocable, and the revocation kept on record.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../../shared/adapters/dynamo-store.ts';
import { open311KeyKey, rateKey } from '../../../shared/adapters/table.ts';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import { citizenRequest, postRequest } from './support.ts';

let stack: TestStack;
let admin: string;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.token('admin');
});
afterAll(() => stack?.close());

const raw = async (key: { pk: string; sk: string }) =>
  (
    await documentClient({ endpoint: process.env.DYNAMODB_ENDPOINT as string }).send(
      new GetCommand({ TableName: process.env.TABLE_NAME as string, Key: key, ConsistentRead: true }),
    )
  ).Item;

describe('POST /v1/admin/open311-keys', () => {
  it('issues a key shown once, and stores only its salted hash', async () => {
    const r = await stack.api('POST', '/v1/admin/open311-keys', {
      token: admin,
      body: { name: 'Cổng thông tin điện tử tỉnh', ratePerMinute: 30 },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.json).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      name: 'Cổng thông tin điện tử tỉnh',
      ratePerMinute: 30,
      createdAt: expect.stringMatching(/\+07:00$/),
      apiKey: expect.stringMatching(/^[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/),
    });
    const [id, secret] = r.json.apiKey.split('.');
    expect(id).toBe(r.json.id);
    const item = await raw(open311KeyKey(id));
    expect(item).toMatchObject({
      name: 'Cổng thông tin điện tử tỉnh',
      ratePerMinute: 30,
      createdBy: expect.any(String),
    });
    expect(item?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(item?.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(item)).not.toContain(secret);
    expect(JSON.stringify(item)).not.toContain(r.json.apiKey);
  });

  it('counts a key’s requests on one item per key', async () => {
    const key = (await stack.api('POST', '/v1/admin/open311-keys', { token: admin, body: { name: 'Đếm' } })).json;
    for (let i = 0; i < 2; i++) await postRequest(stack, 'json', citizenRequest(key.apiKey));
    const counter = await raw(rateKey('open311', key.id));
    expect(counter?.window).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
    expect(counter?.count).toBeGreaterThanOrEqual(1);
    expect(counter?.count).toBeLessThanOrEqual(2);
  });

  it('refuses other roles (403), callers without a token (401) and invalid input (422)', async () => {
    const body = { name: 'Ứng dụng' };
    expect((await stack.api('POST', '/v1/admin/open311-keys', { body })).status).toBe(401);
    for (const role of ['coordinator', 'officer', 'operator']) {
      const token = await stack.token(role, role === 'officer' ? 'SO-NNMT' : undefined);
      expect((await stack.api('POST', '/v1/admin/open311-keys', { token, body })).status, role).toBe(403);
    }
    for (const bad of [
      {},
      { name: '' },
      { name: 'A', ratePerMinute: 0 },
      { name: 'A', ratePerMinute: 1.5 },
      { name: 'A', x: 1 },
    ]) {
      const r = await stack.api('POST', '/v1/admin/open311-keys', { token: admin, body: bad });
      expect(r.status, JSON.stringify(bad)).toBe(422);
      expect(r.json.error.fields.length).toBeGreaterThan(0);
    }
  });
});

describe('DELETE /v1/admin/open311-keys/{id}', () => {
  it('revokes the key, keeps the record and the first revocation time', async () => {
    const key = (await stack.api('POST', '/v1/admin/open311-keys', { token: admin, body: { name: 'Thu hồi' } })).json;
    const first = await stack.api('DELETE', `/v1/admin/open311-keys/${key.id}`, { token: admin });
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({ id: key.id, name: 'Thu hồi', revokedAt: expect.stringMatching(/\+07:00$/) });
    expect(first.json.apiKey).toBeUndefined();
    const again = await stack.api('DELETE', `/v1/admin/open311-keys/${key.id}`, { token: admin });
    expect(again.status).toBe(200);
    expect(again.json.revokedAt).toBe(first.json.revokedAt);
    expect(await raw(open311KeyKey(key.id))).toMatchObject({
      revokedAt: first.json.revokedAt,
      revokedBy: expect.any(String),
    });
    expect((await postRequest(stack, 'json', citizenRequest(key.apiKey))).status).toBe(403);
  });

  it('answers 404 for an unknown or malformed id, 403 to other roles', async () => {
    for (const id of ['ffffffffffffffff', 'not-an-id']) {
      const r = await stack.api('DELETE', `/v1/admin/open311-keys/${id}`, { token: admin });
      expect(r.status, id).toBe(404);
    }
    const coordinator = await stack.token('coordinator');
    expect((await stack.api('DELETE', '/v1/admin/open311-keys/ffffffffffffffff', { token: coordinator })).status).toBe(
      403,
    );
  });
});
