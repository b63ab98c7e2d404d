/**
 * Files listed by a national (VPCP) item (`dinhKem`), fetched by `importNationalAttachments` from a
 * loopback server standing in for the national host: only that origin, no redirects, capped in size
 * and time, judged like any upload, and recorded on the case (refusals with why). Repeatable.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_VPCP_SECRET } from '../../../infra/local/stack.ts';
import { appDeps } from '../../../shared/adapters/deps.ts';
import { files } from '../../../shared/adapters/file-deps.ts';
import { importNationalAttachments } from '../../../shared/app/attachments.ts';
import { signBody } from '../../../shared/http/hmac.ts';
import { startTestStack, type TestStack } from '../../support/stack.ts';
import { exifWithGps, jpeg, pdf, png } from '../../unit/attachments/fixtures.ts';
import { download } from './support.ts';

let stack: TestStack;
let national: Server;
let elsewhere: Server;
let nationalOrigin: string;
let elsewhereOrigin: string;
let elsewhereHits = 0;
const photo = jpeg({ exif: exifWithGps() });

const listen = (s: Server) =>
  new Promise<string>((ok) =>
    s.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(s.address() as { port: number }).port}`)),
  );
const close = (s: Server | undefined) =>
  new Promise<void>((ok) => {
    if (!s) return ok();
    s.closeAllConnections();
    s.close(() => ok());
  });

beforeAll(async () => {
  stack = await startTestStack();
  national = createServer((req, res) => {
    const path = req.url ?? '';
    if (path === '/files/anh.jpg') return void res.end(photo.bytes);
    if (path === '/files/don.pdf') return void res.end(pdf());
    if (path === '/files/fake.pdf') return void res.end(png().bytes);
    if (path === '/files/big.pdf') {
      // Chunked, no length announced: the cap must hold while reading.
      res.writeHead(200, { 'content-type': 'application/pdf' });
      const chunk = Buffer.alloc(1024 * 1024, 0x25);
      for (let i = 0; i < 11; i++) res.write(chunk);
      return void res.end();
    }
    if (path === '/files/announced-big.pdf') {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      return void res.write(Buffer.alloc(1024));
    }
    if (path === '/files/slow.pdf') {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      return void res.write(pdf().subarray(0, 10));
    }
    if (path === '/files/moved.pdf') {
      res.writeHead(302, { location: `${elsewhereOrigin}/files/don.pdf` });
      return void res.end();
    }
    if (path === '/files/down.pdf') {
      res.writeHead(503);
      return void res.end();
    }
    res.writeHead(404);
    res.end();
  });
  elsewhere = createServer((_req, res) => {
    elsewhereHits++;
    res.end(pdf());
  });
  nationalOrigin = await listen(national);
  elsewhereOrigin = await listen(elsewhere);
});

afterAll(async () => {
  await close(national);
  await close(elsewhere);
  await stack?.close();
});

async function vpcpCase(): Promise<string> {
  const raw = JSON.stringify({
    maPakn: `VPCP-FILES-${Date.now()}`,
    tieuDe: 'Đường liên xã bị sạt lở',
    noiDung: 'Đoạn đường liên xã bị sạt lở sau mưa lớn, đề nghị sớm khắc phục.',
    nguoiGui: { hoTen: 'Phạm Văn Quốc', diaChi: 'Thôn 2, xã Sơn Hà', dienThoai: '0905111222' },
    ngayGui: new Date().toISOString(),
  });
  const r = await stack.api('POST', '/v1/integrations/vpcp/items', {
    raw,
    headers: { 'content-type': 'application/json', 'x-signature': signBody(DEV_VPCP_SECRET, raw) },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.code;
}

describe('files of a national item', () => {
  it('are fetched from the national host only, capped, judged, stored and noted on the case', async () => {
    const code = await vpcpCase();
    const dinhKem = [
      { ten: 'Ảnh sạt lở.jpg', url: `${nationalOrigin}/files/anh.jpg` },
      { ten: 'Đơn', url: `${nationalOrigin}/files/don.pdf` },
      { ten: 'to-trinh.pdf', url: `${nationalOrigin}/files/fake.pdf` },
      { ten: 'ban-do.pdf', url: `${nationalOrigin}/files/big.pdf` },
      { ten: 'ban-do-2.pdf', url: `${nationalOrigin}/files/announced-big.pdf` },
      { ten: 'chuyen.pdf', url: `${nationalOrigin}/files/moved.pdf` },
      { ten: 'ngoai.pdf', url: `${elsewhereOrigin}/files/don.pdf` },
      { ten: 'cham.pdf', url: `${nationalOrigin}/files/slow.pdf` },
      { ten: 'loi.pdf', url: `${nationalOrigin}/files/down.pdf` },
    ];
    const opts = { origin: nationalOrigin, timeoutMs: 400 };
    const report = await importNationalAttachments(appDeps(files), code, dinhKem, opts, new Date());

    expect(report.attached.map((a) => a.fileName)).toEqual(['Ảnh sạt lở.jpg', 'don.pdf']);
    expect(report.rejected.map((a) => [a.fileName, a.reason])).toEqual([
      [
        'to-trinh.pdf',
        'Tệp "to-trinh.pdf" có đuôi .pdf nhưng nội dung thực là ảnh PNG. Vui lòng đổi đuôi tệp cho đúng hoặc chọn tệp khác.',
      ],
      ['ban-do.pdf', 'Tệp "ban-do.pdf": lớn hơn giới hạn 10 MB mỗi tệp; không tải về.'],
      ['ban-do-2.pdf', 'Tệp "ban-do-2.pdf": lớn hơn giới hạn 10 MB mỗi tệp; không tải về.'],
      ['chuyen.pdf', 'Tệp "chuyen.pdf": máy chủ chuyển hướng sang địa chỉ khác; không tải về.'],
      [
        'ngoai.pdf',
        `Tệp "ngoai.pdf": tệp không nằm trên máy chủ của hệ thống PAKN quốc gia (${new URL(elsewhereOrigin).host}); không tải về.`,
      ],
    ]);
    expect(report.retry.map((r) => [r.ten, r.reason])).toEqual([
      ['cham.pdf', 'quá thời gian tải tệp'],
      ['loi.pdf', 'máy chủ quốc gia trả lỗi 503'],
    ]);
    expect(elsewhereHits).toBe(0);

    const coordinator = await stack.token('coordinator');
    const full = (await stack.api('GET', `/v1/cases/${code}`, { token: coordinator })).json;
    expect(full.attachments).toHaveLength(7);
    expect(full.history.at(-1)).toMatchObject({ action: 'attachments_received', actor: 'vpcp' });
    expect(full.history.at(-1).note).toMatch(/^Nhận 2 tệp đính kèm từ hệ thống PAKN quốc gia\. Từ chối: /);

    const photoId = report.attached[0]?.id as string;
    const linked = await stack.api('GET', `/v1/cases/${code}/attachments/${photoId}`, { token: coordinator });
    const got = await download(linked.json.url);
    expect(got.bytes.equals(photo.keep)).toBe(true);
    const rejectedId = report.rejected[0]?.id as string;
    const refusedLink = await stack.api('GET', `/v1/cases/${code}/attachments/${rejectedId}`, { token: coordinator });
    expect(refusedLink.status).toBe(404);
    expect(refusedLink.json.error.message).toContain('Tệp đã bị từ chối khi kiểm tra');

    // A later sync run calls again: nothing is added twice, passing failures are tried again.
    const again = await importNationalAttachments(appDeps(files), code, dinhKem, opts, new Date());
    expect([again.attached, again.rejected]).toEqual([[], []]);
    expect(again.retry.map((r) => r.ten)).toEqual(['cham.pdf', 'loi.pdf']);
    expect((await stack.api('GET', `/v1/cases/${code}`, { token: coordinator })).json.attachments).toHaveLength(7);
  });

  it('refuses URLs with credentials or another scheme for the same host', async () => {
    const code = await vpcpCase();
    const host = new URL(nationalOrigin).host;
    const report = await importNationalAttachments(
      appDeps(files),
      code,
      [
        { ten: 'a.pdf', url: `http://user:pass@${host}/files/don.pdf` },
        { ten: 'b.pdf', url: `https://${host}/files/don.pdf` },
        { ten: 'c.pdf', url: 'file:///etc/passwd' },
      ],
      { origin: nationalOrigin, timeoutMs: 400 },
      new Date(),
    );
    expect(report.attached).toEqual([]);
    expect(report.rejected).toHaveLength(3);
  });
});
