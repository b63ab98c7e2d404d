/**
 * The two FileStore adapters. The local store must refuse what S3 would refuse for a presigned
 * POST (tampered fields, extra fields, wrong size, expiry, a key outside quarantine) and for a
 * signed link (tampering, expiry); the S3 store must sign exactly those conditions.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalFileStore } from '../../../shared/adapters/local-files.ts';
import { S3FileStore } from '../../../shared/adapters/s3-files.ts';

const NOW = new Date('2026-03-02T09:00:00+07:00');
const later = (s: number) => new Date(NOW.getTime() + s * 1000);
const KEY = 'quarantine/0123456789abcdef0123456789abcdef';

describe('local file store', () => {
  let dir: string;
  let store: LocalFileStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pakn-files-unit-'));
    store = new LocalFileStore({ dir, secret: 'unit-test-secret-0123456789', baseUrl: 'http://127.0.0.1:9' });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const slot = () =>
    store.presignUpload({
      key: KEY,
      contentType: 'image/jpeg',
      size: 1234,
      metadata: { filename: encodeURIComponent('Ảnh.jpg') },
      expiresAt: later(900),
      now: NOW,
    });

  it('accepts the form exactly as signed, into quarantine, with its type and metadata', async () => {
    const { url, fields } = await slot();
    expect(url).toBe('http://127.0.0.1:9/dev/uploads');
    expect(store.verifyUpload(fields, 1234, later(60))).toEqual({
      ok: true,
      key: KEY,
      contentType: 'image/jpeg',
      metadata: { filename: encodeURIComponent('Ảnh.jpg') },
    });
  });

  it('refuses a changed field, an extra field, another size, an expired policy or a forged signature', async () => {
    const { fields } = await slot();
    expect(store.verifyUpload({ ...fields, 'Content-Type': 'text/html' }, 1234, NOW)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(store.verifyUpload({ ...fields, key: 'clean/0123456789abcdef0123456789abcdef' }, 1234, NOW)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(store.verifyUpload({ ...fields, 'x-amz-meta-case': 'QNG-26-AAAAAA' }, 1234, NOW)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(store.verifyUpload(fields, 1235, NOW)).toMatchObject({ ok: false, status: 400, code: 'EntityTooLarge' });
    expect(store.verifyUpload(fields, 10, NOW)).toMatchObject({ ok: false, status: 400, code: 'EntityTooSmall' });
    const expired = store.verifyUpload(fields, 1234, later(901));
    expect(expired).toMatchObject({ ok: false, status: 403 });
    expect(!expired.ok && expired.message).toContain('hết hạn');
    const forged = Buffer.from(
      JSON.stringify({ expiration: later(9999).toISOString(), conditions: [{ key: KEY }] }),
    ).toString('base64');
    expect(store.verifyUpload({ ...fields, policy: forged }, 1234, NOW)).toMatchObject({ ok: false, status: 403 });
  });

  it('writes nowhere but quarantine, even under a validly signed policy', async () => {
    const signed = await store.presignUpload({
      key: 'clean/0123456789abcdef0123456789abcdef',
      contentType: 'image/jpeg',
      size: 1,
      metadata: {},
      expiresAt: later(60),
      now: NOW,
    });
    expect(store.verifyUpload(signed.fields, 1, NOW)).toMatchObject({ ok: false, status: 403 });
  });

  it('signs download links that expire and cannot be edited', async () => {
    await store.put('attached/abc', Buffer.from('x'), { contentType: 'application/pdf', metadata: {} });
    const link = new URL(
      await store.presignDownload('attached/abc', {
        fileName: 'Đơn.pdf',
        contentType: 'application/pdf',
        expiresAt: later(300),
        now: NOW,
      }),
    );
    expect(link.pathname).toBe('/dev/files/attached/abc');
    expect(store.verifyDownload('attached/abc', link.searchParams, later(299))).toEqual({
      ok: true,
      fileName: 'Đơn.pdf',
      contentType: 'application/pdf',
    });
    expect(store.verifyDownload('attached/abc', link.searchParams, later(300))).toMatchObject({
      ok: false,
      status: 403,
    });
    const renamed = new URLSearchParams(link.searchParams);
    renamed.set('type', 'text/html');
    expect(store.verifyDownload('attached/abc', renamed, NOW)).toMatchObject({ ok: false, status: 403 });
    expect(store.verifyDownload('attached/abd', link.searchParams, NOW)).toMatchObject({ ok: false, status: 403 });
  });

  it('stores bytes with a sidecar, copies, deletes, and refuses keys that would leave its directory', async () => {
    await store.put('clean/f1', Buffer.from('hello'), { contentType: 'image/png', metadata: { filename: 'a.png' } });
    expect(await store.head('clean/f1')).toEqual({
      size: 5,
      contentType: 'image/png',
      metadata: { filename: 'a.png' },
    });
    await store.copy('clean/f1', 'attached/f1', { contentType: 'image/png', metadata: { case: 'QNG-26-AAAAAA' } });
    expect((await store.get('attached/f1'))?.metadata).toEqual({ case: 'QNG-26-AAAAAA' });
    await store.delete('clean/f1');
    await store.delete('clean/f1');
    expect(await store.head('clean/f1')).toBeUndefined();
    expect(await readdir(join(dir, 'clean'))).toEqual([]);
    expect(() => store.path('../etc/passwd')).toThrow(/invalid key/);
    expect(() => store.path('attached/../../x')).toThrow(/invalid key/);
  });
});

describe('S3 file store', () => {
  const s3 = mockClient(S3Client);
  const client = new S3Client({
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  });
  const store = new S3FileStore(client, 'pakn-attachments');
  beforeEach(() => s3.reset());

  it('presigns a POST pinned to the key, the exact size, the type and the file name', async () => {
    const { url, fields } = await store.presignUpload({
      key: KEY,
      contentType: 'application/pdf',
      size: 4096,
      metadata: { filename: 'don.pdf' },
      expiresAt: later(900),
      now: NOW,
    });
    expect(url).toContain('pakn-attachments');
    expect(fields).toMatchObject({ key: KEY, 'Content-Type': 'application/pdf', 'x-amz-meta-filename': 'don.pdf' });
    const policy = JSON.parse(Buffer.from(fields.Policy as string, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 4096, 4096],
        ['eq', '$Content-Type', 'application/pdf'],
        ['eq', '$x-amz-meta-filename', 'don.pdf'],
        { key: KEY },
        { bucket: 'pakn-attachments' },
      ]),
    );
    expect(Date.parse(policy.expiration) - Date.now()).toBeGreaterThan(800_000);
  });

  it('presigns a five-minute GET that makes the browser save the file', async () => {
    const url = new URL(
      await store.presignDownload('attached/abc', {
        fileName: 'Ảnh.jpg',
        contentType: 'image/jpeg',
        expiresAt: later(300),
        now: NOW,
      }),
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260302T020000Z');
    expect(url.searchParams.get('response-content-disposition')).toMatch(
      /^attachment; filename="Anh.jpg"; filename\*=UTF-8''/,
    );
    expect(url.searchParams.get('response-content-type')).toBe('image/jpeg');
  });

  it('reads a missing object as absent, and copies with the type and metadata replaced', async () => {
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound' }));
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' }));
    expect(await store.head('clean/x')).toBeUndefined();
    expect(await store.get('rejected/x')).toBeUndefined();
    s3.on(CopyObjectCommand).resolves({});
    await store.copy('clean/x', 'attached/x', { contentType: 'image/png', metadata: { case: 'QNG-26-AAAAAA' } });
    expect(s3.commandCalls(CopyObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'pakn-attachments',
      Key: 'attached/x',
      CopySource: 'pakn-attachments/clean/x',
      MetadataDirective: 'REPLACE',
      ContentType: 'image/png',
      Metadata: { case: 'QNG-26-AAAAAA' },
    });
    s3.on(PutObjectCommand).resolves({});
    await store.put('clean/y', Buffer.from('z'), { contentType: 'image/png', metadata: {} });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Key: 'clean/y',
      ContentType: 'image/png',
    });
  });
});
