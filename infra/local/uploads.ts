/**
 * The local stand-in for the attachment bucket's two doors: the browser's form POST of a file (as
 * S3 takes a presigned POST, policy checked the same way) and the GET of a signed download link.
 * Once a file is written, the function S3's event notification would start on AWS runs at once
 * (`STORAGE_TRIGGERS`), before the browser gets its answer, so what it asks next is already decided.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_FILES_PATH, LOCAL_UPLOAD_PATH, localFileStoreFromConfig } from '../../shared/adapters/local-files.ts';
import { config } from '../../shared/config.ts';
import { attachmentDisposition, MAX_ATTACHMENT_BYTES } from '../../shared/domain/attachments.ts';
import { STORAGE_TRIGGERS } from '../routes.ts';
import { lambdaContext, loadHandler, type RawRoute, send } from './server.ts';

/** A form with a 10 MB file and its fields; a longer one is refused and nothing of it is kept. */
const FORM_LIMIT = MAX_ATTACHMENT_BYTES + 64 * 1024;
/** Past this the connection is dropped instead of read to the end to answer politely. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

export function fileRoutes(): Array<{ method: string; pattern: RegExp; run: RawRoute }> {
  return [
    { method: 'POST', pattern: new RegExp(`^${LOCAL_UPLOAD_PATH}$`), run: upload },
    { method: 'GET', pattern: new RegExp(`^${LOCAL_FILES_PATH}/([a-z]+/[A-Za-z0-9_-]+)$`), run: download },
  ];
}

const failure = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, { error: { code, message } });

const upload: RawRoute = async (req, res) => {
  const store = localFileStoreFromConfig(config());
  if (!store) return failure(res, 503, 'ServiceUnavailable', 'Kho tệp cục bộ chưa được cấu hình.');
  const boundary = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
  const body = await readCapped(req);
  if (body === 'too-large') {
    return failure(res, 400, 'EntityTooLarge', 'Tệp vượt quá dung lượng cho phép (10 MB mỗi tệp).');
  }
  const form = boundary ? parseMultipart(body, (boundary[1] ?? boundary[2] ?? '').trim()) : undefined;
  if (!form?.file) return failure(res, 400, 'MalformedPOSTRequest', 'Biểu mẫu tải lên không hợp lệ.');
  const verified = store.verifyUpload(form.fields, form.file.length, new Date());
  if (!verified.ok) return failure(res, verified.status, verified.code, verified.message);
  await store.put(verified.key, form.file, { contentType: verified.contentType, metadata: verified.metadata });
  for (const trigger of STORAGE_TRIGGERS.filter((t) => verified.key.startsWith(t.prefix))) {
    await (await loadHandler(trigger.fn))(s3Event(verified.key, form.file.length), lambdaContext(trigger.fn));
  }
  res.writeHead(204, { 'cache-control': 'no-store' });
  res.end();
};

const download: RawRoute = async (req, res, match) => {
  const store = localFileStoreFromConfig(config());
  if (!store) return failure(res, 503, 'ServiceUnavailable', 'Kho tệp cục bộ chưa được cấu hình.');
  const key = match[1] ?? '';
  const verified = store.verifyDownload(key, new URL(req.url ?? '/', 'http://local').searchParams, new Date());
  if (!verified.ok) return failure(res, verified.status, verified.code, verified.message);
  const obj = await store.get(key);
  if (!obj) return failure(res, 404, 'NoSuchKey', 'Tệp không còn được lưu trữ.');
  res.writeHead(200, {
    'content-type': verified.contentType,
    'content-length': String(obj.bytes.length),
    'content-disposition': attachmentDisposition(verified.fileName),
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, no-store',
    // Even if a browser were to render it, a file from a citizen runs nothing in this origin.
    'content-security-policy': "default-src 'none'; sandbox",
  });
  res.end(obj.bytes);
};

async function readCapped(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > DRAIN_LIMIT) {
      req.destroy();
      return 'too-large';
    }
    if (size <= FORM_LIMIT) chunks.push(chunk);
  }
  return size > FORM_LIMIT ? 'too-large' : Buffer.concat(chunks);
}

/**
 * `multipart/form-data` as a browser sends it. As on S3, the file is the last part that counts:
 * anything after it is ignored.
 */
function parseMultipart(body: Buffer, boundary: string): { fields: Record<string, string>; file?: Buffer } | undefined {
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  let pos = body.indexOf(delimiter);
  if (pos < 0) return undefined;
  pos += delimiter.length;
  while (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
    const headerEnd = body.indexOf('\r\n\r\n', pos + 2);
    if (headerEnd < 0) return undefined;
    const headers = body.subarray(pos + 2, headerEnd).toString('utf8');
    const end = body.indexOf(between, headerEnd + 4);
    if (end < 0) return undefined;
    const content = body.subarray(headerEnd + 4, end);
    const name = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) return undefined;
    if (name === 'file') return { fields, file: content };
    fields[name] = content.toString('utf8');
    pos = end + between.length;
  }
  return { fields };
}

/** The event S3 sends for a new object (the fields the checker reads). */
function s3Event(key: string, size: number) {
  const time = new Date().toISOString();
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'local',
        eventTime: time,
        eventName: 'ObjectCreated:Post',
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'upload-check',
          bucket: { name: 'pakn-attachments-local', arn: 'arn:aws:s3:::pakn-attachments-local' },
          object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size, sequencer: randomUUID() },
        },
      },
    ],
  };
}
