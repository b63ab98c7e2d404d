/**
 * The FileStore on a local directory (the local stack and tests), behaving like the S3 bucket it
 * stands in for: uploads come as a browser form POST carrying an HMAC-signed policy (the same
 * conditions S3 enforces: exact key, content type, metadata, content-length-range, expiry), and
 * downloads go through HMAC-signed links that expire. Each object is its bytes plus a
 * `<key>.meta.json` sidecar; both are written to a temporary name and renamed, so a reader never sees
 * half a file.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileStore, StoredObject } from '../app/ports.ts';
import type { Config } from '../config.ts';

export const LOCAL_UPLOAD_PATH = '/dev/uploads';
export const LOCAL_FILES_PATH = '/dev/files';
/** The only prefix the upload target writes to, whatever a policy says (on AWS: the presign role's IAM). */
const UPLOAD_PREFIX = 'quarantine/';

const KEY = /^[a-z]+\/[A-Za-z0-9_-]{1,128}$/;
const SIGNATURE_FIELD = 'x-pakn-signature';

export interface LocalFileStoreOptions {
  dir: string;
  secret: string;
  /** Where the local server listens (upload target and download links are absolute, as S3's are). */
  baseUrl: string;
}

export type Verified<T> = ({ ok: true } & T) | { ok: false; status: number; code: string; message: string };

/** S3's policy conditions: `{field: value}`, `["eq"|"starts-with", "$field", value]`, `["content-length-range", min, max]`. */
type Condition = Record<string, string> | [string, string | number, string | number];

export class LocalFileStore implements FileStore {
  constructor(private readonly opts: LocalFileStoreOptions) {}

  async presignUpload(slot: Parameters<FileStore['presignUpload']>[0]) {
    const meta = Object.fromEntries(Object.entries(slot.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v]));
    const conditions: Condition[] = [
      { key: slot.key },
      { 'Content-Type': slot.contentType },
      ...Object.entries(meta).map(([k, v]) => ({ [k]: v })),
      ['content-length-range', slot.size, slot.size],
    ];
    const policy = Buffer.from(JSON.stringify({ expiration: slot.expiresAt.toISOString(), conditions })).toString(
      'base64',
    );
    return {
      url: `${this.opts.baseUrl}${LOCAL_UPLOAD_PATH}`,
      fields: {
        key: slot.key,
        'Content-Type': slot.contentType,
        ...meta,
        policy,
        [SIGNATURE_FIELD]: this.sign(policy),
      },
    };
  }

  /**
   * Check a form upload as S3 checks a presigned POST: a policy signed with our key, not expired,
   * every condition met (fields and file size), every field covered by a condition, and a key under
   * `quarantine/`.
   */
  verifyUpload(
    fields: Record<string, string>,
    fileSize: number,
    now: Date,
  ): Verified<{ key: string; contentType: string; metadata: Record<string, string> }> {
    const denied = (message: string) => ({ ok: false as const, status: 403, code: 'AccessDenied', message });
    const policyText = fields.policy;
    const signature = fields[SIGNATURE_FIELD];
    if (!policyText || !signature || !this.verify(policyText, signature)) {
      return denied('Chữ ký tải lên không hợp lệ.');
    }
    let policy: { expiration?: string; conditions?: Condition[] };
    try {
      policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8'));
    } catch {
      return denied('Chính sách tải lên không hợp lệ.');
    }
    if (!policy.expiration || !(Date.parse(policy.expiration) > now.getTime())) {
      return denied('Phiên tải lên đã hết hạn; vui lòng chọn lại tệp.');
    }
    const covered = new Set(['policy', SIGNATURE_FIELD]);
    for (const c of policy.conditions ?? []) {
      if (!Array.isArray(c)) {
        for (const [name, value] of Object.entries(c)) {
          covered.add(name.toLowerCase());
          if (fieldOf(fields, name) !== value) return denied(`Trường ${name} không khớp chính sách tải lên.`);
        }
        continue;
      }
      const [op, a, b] = c;
      if (op === 'content-length-range') {
        if (fileSize > Number(b)) {
          return { ok: false, status: 400, code: 'EntityTooLarge', message: 'Tệp lớn hơn dung lượng đã đăng ký.' };
        }
        if (fileSize < Number(a)) {
          return { ok: false, status: 400, code: 'EntityTooSmall', message: 'Tệp nhỏ hơn dung lượng đã đăng ký.' };
        }
        continue;
      }
      const name = String(a).replace(/^\$/, '');
      covered.add(name.toLowerCase());
      const value = fieldOf(fields, name) ?? '';
      if (op === 'eq' && value !== b) return denied(`Trường ${name} không khớp chính sách tải lên.`);
      if (op === 'starts-with' && !value.startsWith(String(b))) {
        return denied(`Trường ${name} không khớp chính sách tải lên.`);
      }
      if (op !== 'eq' && op !== 'starts-with') return denied('Chính sách tải lên không hợp lệ.');
    }
    const extra = Object.keys(fields).filter((f) => !covered.has(f.toLowerCase()));
    if (extra.length > 0) return denied(`Trường ${extra.join(', ')} không có trong chính sách tải lên.`);
    const key = fields.key ?? '';
    if (!key.startsWith(UPLOAD_PREFIX) || !KEY.test(key)) return denied('Không được ghi vào vị trí này.');
    const metadata = Object.fromEntries(
      Object.entries(fields)
        .filter(([k]) => k.toLowerCase().startsWith('x-amz-meta-'))
        .map(([k, v]) => [k.toLowerCase().slice('x-amz-meta-'.length), v]),
    );
    return { ok: true, key, contentType: fieldOf(fields, 'Content-Type') ?? 'application/octet-stream', metadata };
  }

  async presignDownload(key: string, link: Parameters<FileStore['presignDownload']>[1]): Promise<string> {
    this.path(key);
    const query = new URLSearchParams({
      exp: String(Math.floor(link.expiresAt.getTime() / 1000)),
      name: link.fileName,
      type: link.contentType,
    });
    query.set('sig', this.sign(`${key}\n${query.toString()}`));
    return `${this.opts.baseUrl}${LOCAL_FILES_PATH}/${key}?${query.toString()}`;
  }

  /** Check a download link: our signature over the key, expiry, name and type, and not expired. */
  verifyDownload(key: string, query: URLSearchParams, now: Date): Verified<{ fileName: string; contentType: string }> {
    const signed = new URLSearchParams({
      exp: query.get('exp') ?? '',
      name: query.get('name') ?? '',
      type: query.get('type') ?? '',
    });
    if (!KEY.test(key) || !this.verify(`${key}\n${signed.toString()}`, query.get('sig') ?? '')) {
      return { ok: false, status: 403, code: 'AccessDenied', message: 'Liên kết tải tệp không hợp lệ.' };
    }
    if (Number(query.get('exp')) * 1000 <= now.getTime()) {
      return {
        ok: false,
        status: 403,
        code: 'AccessDenied',
        message: 'Liên kết tải tệp đã hết hạn; vui lòng mở lại tệp từ trang xử lý hồ sơ.',
      };
    }
    return {
      ok: true,
      fileName: query.get('name') ?? '',
      contentType: query.get('type') ?? 'application/octet-stream',
    };
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const meta = JSON.parse(await readFile(this.metaPath(key), 'utf8')) as Omit<StoredObject, 'size'>;
      return { ...meta, size: (await stat(this.path(key))).size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async get(key: string): Promise<(StoredObject & { bytes: Uint8Array }) | undefined> {
    const head = await this.head(key);
    if (!head) return undefined;
    try {
      const bytes = await readFile(this.path(key));
      return { ...head, size: bytes.length, bytes };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async put(key: string, bytes: Uint8Array, info: { contentType: string; metadata: Record<string, string> }) {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    await atomicWrite(path, bytes);
    // The sidecar last: its presence is what makes the object exist for head/get.
    await atomicWrite(this.metaPath(key), JSON.stringify({ contentType: info.contentType, metadata: info.metadata }));
  }

  async copy(from: string, to: string, info: { contentType: string; metadata: Record<string, string> }) {
    const src = await this.get(from);
    if (!src) throw Object.assign(new Error(`no such key ${from}`), { name: 'NoSuchKey' });
    await this.put(to, src.bytes, info);
  }

  async delete(key: string): Promise<void> {
    await rm(this.metaPath(key), { force: true });
    await rm(this.path(key), { force: true });
  }

  /** Where a key's bytes live; any key outside the store's naming is refused before touching the disk. */
  path(key: string): string {
    if (!KEY.test(key)) throw new Error(`local file store: invalid key ${JSON.stringify(key)}`);
    return join(this.opts.dir, key);
  }

  private metaPath(key: string): string {
    return `${this.path(key)}.meta.json`;
  }

  private sign(text: string): string {
    return createHmac('sha256', this.opts.secret).update(text).digest('hex');
  }

  private verify(text: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(text), 'hex');
    const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** Form field names are case-insensitive (as S3 treats them). */
function fieldOf(fields: Record<string, string>, name: string): string | undefined {
  const want = name.toLowerCase();
  const hit = Object.keys(fields).find((k) => k.toLowerCase() === want);
  return hit === undefined ? undefined : fields[hit];
}

let tmpSeq = 0;
async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${++tmpSeq}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** The local store from config, or undefined when the stack runs without a files directory. */
export function localFileStoreFromConfig(cfg: Config): LocalFileStore | undefined {
  if (!cfg.PAKN_FILES_DIR) return undefined;
  if (!cfg.PAKN_FILES_SECRET) throw new Error('PAKN_FILES_SECRET is required with PAKN_FILES_DIR');
  return new LocalFileStore({ dir: cfg.PAKN_FILES_DIR, secret: cfg.PAKN_FILES_SECRET, baseUrl: cfg.PUBLIC_BASE_URL });
}
