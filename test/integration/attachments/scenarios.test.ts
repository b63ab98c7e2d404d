/**
 * Attachments end to end on the local stack, over HTTP as the browser and the console use it:
 * upload → submit → the assigned agency downloads the file; disguised, oversized, surplus and
 * bomb files are refused with a clear Vietnamese message and nothing of them is kept; photos lose
 * their GPS; links are refused to other agencies and once expired; the public view never shows files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDeps } from '../../../shared/adapters/deps.ts';
import { files } from '../../../shared/adapters/file-deps.ts';
import { attachmentLink, deleteCaseFiles } from '../../../shared/app/attachments.ts';
import { SYSTEM } from '../../../shared/domain/actor.ts';
import { sampleWebCase, startTestStack, type TestStack } from '../../support/stack.ts';
import { docx, docxBomb, exe, exifWithGps, jpeg, pdf, png, xlsx } from '../../unit/attachments/fixtures.ts';
import { casesNow, download, stored, upload, whereIs } from './support.ts';

const OWN = 'SO-NNMT';
const OTHER = 'SO-TP';

let stack: TestStack;
let coordinator: string;
let officer: string;
let otherOfficer: string;

beforeAll(async () => {
  stack = await startTestStack();
  coordinator = await stack.token('coordinator');
  officer = await stack.token('officer', OWN);
  otherOfficer = await stack.token('officer', OTHER);
});
afterAll(() => stack?.close());

/** A web case routed to SO-NNMT (land), carrying these uploads. */
async function submit(uploadIds: string[], key?: string) {
  return stack.api('POST', '/v1/cases', {
    body: sampleWebCase({ categoryCode: 'dat-dai', attachments: uploadIds }),
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });
}

async function link(code: string, id: string, token: string) {
  return stack.api('GET', `/v1/cases/${code}/attachments/${id}`, { token });
}

describe('upload → submit → the assigned agency downloads', () => {
  it('a PDF and a photo reach the officer: the PDF byte for byte, the photo without its GPS', async () => {
    const scan = pdf();
    const photo = jpeg({ exif: exifWithGps(), xmp: true });
    const a = await upload(stack, 'Đơn đề nghị.pdf', scan);
    const b = await upload(stack, 'Ảnh hiện trường.jpg', photo.bytes);
    expect(a.stored).toBe(204);
    expect(a.state).toMatchObject({ status: 'clean', fileName: 'Đơn đề nghị.pdf', contentType: 'application/pdf' });
    expect(b.state).toMatchObject({ status: 'clean', size: photo.keep.length });

    const r = await submit([a.uploadId!, b.uploadId!]);
    expect(r.status, r.text).toBe(201);
    expect(r.json.status).toBe('assigned');
    const code = r.json.code as string;

    const full = await stack.api('GET', `/v1/cases/${code}`, { token: officer });
    expect(full.json.agencyId).toBe(OWN);
    expect(full.json.attachments).toEqual([
      {
        id: a.uploadId,
        fileName: 'Đơn đề nghị.pdf',
        contentType: 'application/pdf',
        size: scan.length,
        status: 'clean',
      },
      {
        id: b.uploadId,
        fileName: 'Ảnh hiện trường.jpg',
        contentType: 'image/jpeg',
        size: photo.keep.length,
        status: 'clean',
      },
    ]);
    // Bound to the case: out of `clean/` (where unclaimed uploads expire), nothing left in quarantine.
    expect(await whereIs(stack, a.uploadId!)).toEqual(['attached']);
    expect(await whereIs(stack, b.uploadId!)).toEqual(['attached']);

    const pdfLink = await link(code, a.uploadId!, officer);
    expect(pdfLink.status, pdfLink.text).toBe(200);
    expect(Date.parse(pdfLink.json.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const got = await download(pdfLink.json.url);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(scan)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');

    const photoLink = await link(code, b.uploadId!, coordinator);
    expect(photoLink.status).toBe(200);
    const img = await download(photoLink.json.url);
    // The same photo minus the stripped segments: every picture byte as uploaded.
    expect(img.bytes.equals(photo.keep)).toBe(true);
    expect(img.bytes.includes(Buffer.from('Exif'))).toBe(false);
    expect(img.bytes.includes(Buffer.from('GPSLatitude'))).toBe(false);
  });

  it('DOCX and XLSX documents are accepted as what their bytes say they are', async () => {
    const w = await upload(stack, 'bien-ban.docx', docx());
    const x = await upload(stack, 'bang-ke.xlsx', await xlsx());
    expect(w.state.status).toBe('clean');
    expect(x.state.status).toBe('clean');
    const r = await submit([w.uploadId!, x.uploadId!]);
    expect(r.status, r.text).toBe(201);
  });
});

describe('refused files: a clear Vietnamese message, nothing kept', () => {
  async function refusedUpload(fileName: string, bytes: Uint8Array) {
    const before = await casesNow(stack);
    const u = await upload(stack, fileName, bytes);
    expect(u.stored).toBe(204);
    expect(u.state.status).toBe('rejected');
    // The file itself is gone; only the record of why is kept (it expires with the lifecycle rule).
    expect(await whereIs(stack, u.uploadId!)).toEqual(['rejected']);
    const r = await submit([u.uploadId!]);
    expect(r.status).toBe(422);
    expect(r.json.error.fields).toEqual([{ field: 'attachments', message: u.state.message }]);
    expect(r.json.error.message).toContain(u.state.message);
    expect(await casesNow(stack)).toBe(before);
    return u.state.message as string;
  }

  it('a PNG renamed .pdf', async () => {
    expect(await refusedUpload('giay-to.pdf', png().bytes)).toBe(
      'Tệp "giay-to.pdf" có đuôi .pdf nhưng nội dung thực là ảnh PNG. Vui lòng đổi đuôi tệp cho đúng hoặc chọn tệp khác.',
    );
  });

  it('an executable renamed .jpg', async () => {
    expect(await refusedUpload('anh-chup.jpg', exe())).toMatch(
      /^Tệp "anh-chup\.jpg" là tệp chương trình \(có thể chứa mã độc\), không được nhận\./,
    );
  });

  it('a zip bomb named .docx', async () => {
    expect(await refusedUpload('bao-cao.docx', docxBomb(120))).toMatch(
      /^Tệp "bao-cao\.docx" bị từ chối: dữ liệu nén bên trong bất thường/,
    );
  });

  it('an 11 MB file: no slot is given, and storage refuses one smuggled under a smaller declared size', async () => {
    const eleven = Buffer.alloc(11 * 1024 * 1024, 0x41);
    const asked = await upload(stack, 'so-do.pdf', eleven);
    expect(asked.slot.status).toBe(422);
    expect(asked.slot.json.error.fields).toEqual([
      {
        field: 'size',
        message:
          'Tệp "so-do.pdf" có dung lượng 11 MB, vượt quá giới hạn 10 MB mỗi tệp. Vui lòng giảm dung lượng (chụp lại, nén ảnh hoặc tách tệp) rồi gửi lại.',
      },
    ]);
    const smuggled = await upload(stack, 'so-do.pdf', eleven, { declaredSize: 1024 * 1024 });
    expect(smuggled.stored).toBe(400);
    expect(smuggled.storedBody.error.code).toBe('EntityTooLarge');
    expect(await whereIs(stack, smuggled.uploadId!)).toEqual([]);
    expect(smuggled.state).toEqual({ uploadId: smuggled.uploadId, status: 'pending' });
  });

  it('a sixth file: the case is refused naming attachments, and no file is bound', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 6; i++) ids.push((await upload(stack, `trang-${i}.pdf`, pdf())).uploadId!);
    const before = await casesNow(stack);
    const r = await submit(ids);
    expect(r.status).toBe(422);
    expect(r.json.error.fields).toEqual([
      { field: 'attachments', message: 'Tệp đính kèm: tối đa 5 tệp cho mỗi phản ánh, kiến nghị.' },
    ]);
    expect(await casesNow(stack)).toBe(before);
    for (const id of ids) expect(await whereIs(stack, id)).toEqual(['clean']);
  });

  it('a file type outside the list gets no slot', async () => {
    const r = await upload(stack, 'cai-dat.exe', exe());
    expect(r.slot.status).toBe(422);
    expect(r.slot.json.error.fields[0]).toMatchObject({ field: 'fileName' });
    expect(r.slot.json.error.message).toContain('JPG, PNG, PDF, DOC, DOCX, XLS, XLSX');
  });

  it('storage refuses a form whose signed fields were edited (another type, another key)', async () => {
    const typed = await upload(stack, 'a.pdf', pdf(), {
      editFields: (f) => Object.assign(f, { 'Content-Type': 'text/html' }),
    });
    expect(typed.stored).toBe(403);
    const moved = await upload(stack, 'a.pdf', pdf(), {
      editFields: (f) => Object.assign(f, { key: `clean/${'0'.repeat(32)}` }),
    });
    expect(moved.stored).toBe(403);
    expect(await stored(stack, 'quarantine')).toEqual([]);
  });
});

describe('binding uploads to a case', () => {
  it('an upload never sent to storage, or unknown, is not yet checked: 422 naming attachments', async () => {
    const slot = await stack.api('POST', '/v1/uploads', {
      body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 100 },
    });
    const r = await submit([slot.json.uploadId]);
    expect(r.status).toBe(422);
    expect(r.json.error.fields[0].field).toBe('attachments');
    expect(r.json.error.fields[0].message).toContain('chưa được kiểm tra xong');
  });

  it('a retry with the same Idempotency-Key replays the same case; another case cannot take the file', async () => {
    const u = await upload(stack, 'anh.png', png({ text: true }).bytes);
    const key = `attach-${Date.now()}`;
    const first = await submit([u.uploadId!], key);
    expect(first.status).toBe(201);
    const again = await submit([u.uploadId!], key);
    expect(again.status).toBe(200);
    expect(again.json.code).toBe(first.json.code);
    const other = await submit([u.uploadId!], `${key}-other`);
    expect(other.status).toBe(422);
    expect(other.json.error.fields[0].message).toBe(
      'Tệp "anh.png" đã được gửi kèm một phản ánh, kiến nghị khác; vui lòng chọn lại tệp.',
    );
    expect((await stack.api('GET', '/v1/uploads/not-an-id')).status).toBe(404);
    expect((await stack.api('GET', `/v1/uploads/${u.uploadId}`)).json.status).toBe('attached');
  });
});

describe('who may open a file, and for how long', () => {
  let code: string;
  let id: string;
  beforeAll(async () => {
    const u = await upload(stack, 'ho-so.pdf', pdf());
    const r = await submit([u.uploadId!]);
    code = r.json.code;
    id = u.uploadId!;
  });

  it('the assigned agency and VPUB get a link; another agency, an operator, an admin and the public do not', async () => {
    expect((await link(code, id, officer)).status).toBe(200);
    expect((await link(code, id, coordinator)).status).toBe(200);
    const other = await link(code, id, otherOfficer);
    expect(other.status).toBe(403);
    expect(other.json.error.message).toBe('Tệp đính kèm này không thuộc phạm vi của bạn.');
    expect((await link(code, id, await stack.token('operator'))).status).toBe(403);
    expect((await link(code, id, await stack.token('admin'))).status).toBe(403);
    expect((await stack.api('GET', `/v1/cases/${code}/attachments/${id}`)).status).toBe(401);
    expect((await link(code, 'f'.repeat(32), officer)).status).toBe(404);
  });

  it('a link past its five minutes is refused by storage; an edited link too', async () => {
    const issued = await attachmentLink(
      appDeps(files),
      code,
      id,
      { id: 'local-officer', name: 'Cán bộ', roles: ['officer'], agencyId: OWN },
      new Date(Date.now() - 6 * 60_000),
    );
    const stale = await download(issued.url);
    expect(stale.status).toBe(403);
    expect(JSON.parse(stale.bytes.toString('utf8')).error.message).toBe(
      'Liên kết tải tệp đã hết hạn; vui lòng mở lại tệp từ trang xử lý hồ sơ.',
    );
    const fresh = (await link(code, id, officer)).json.url as string;
    expect((await download(fresh)).status).toBe(200);
    expect((await download(fresh.replace('type=application%2Fpdf', 'type=text%2Fhtml'))).status).toBe(403);
  });

  it('after a reassignment the former agency loses access', async () => {
    const r = await stack.api('POST', `/v1/cases/${code}/reassign`, {
      token: coordinator,
      body: { agencyId: OTHER, reason: 'Thuộc thẩm quyền Sở Tư pháp.' },
    });
    expect(r.status, r.text).toBe(200);
    expect((await link(code, id, officer)).status).toBe(403);
    expect((await link(code, id, otherOfficer)).status).toBe(200);
  });

  it('retention deletes the files and marks them deleted on the case; repeating it changes nothing', async () => {
    const u = await upload(stack, 'can-cuoc.jpg', jpeg({ exif: exifWithGps() }).bytes);
    const c = (await submit([u.uploadId!])).json.code as string;
    const now = new Date();
    expect(await deleteCaseFiles(appDeps(files), c, SYSTEM, now)).toBe(1);
    expect(await whereIs(stack, u.uploadId!)).toEqual([]);
    const full = (await stack.api('GET', `/v1/cases/${c}`, { token: coordinator })).json;
    expect(full.attachments[0].status).toBe('deleted');
    expect(full.history.at(-1)).toMatchObject({ action: 'attachments_deleted', actor: 'system' });
    const gone = await link(c, u.uploadId!, coordinator);
    expect(gone.status).toBe(404);
    expect(gone.json.error.message).toBe('Tệp đính kèm đã được xóa theo thời hạn lưu trữ.');
    expect(await deleteCaseFiles(appDeps(files), c, SYSTEM, now)).toBe(0);
  });

  it('the public view never shows attachments', async () => {
    const pub = await stack.api('GET', `/v1/cases/${code}`);
    expect(pub.status).toBe(200);
    expect(pub.json).not.toHaveProperty('attachments');
    expect(pub.text).not.toContain(id);
    expect(pub.text).not.toContain('ho-so.pdf');
  });
});
