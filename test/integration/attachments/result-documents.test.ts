/**
 * Result documents (issue 10): the agency attaches a document to its answer; when the answer is
 * published the public view lists it and anyone downloads it through a short-lived link, byte for
 * byte. An unpublished answer's documents, an earlier answer's documents and the files the citizen
 * sent are never listed and never linked; a citizen's file cannot be passed off as a result document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleWebCase, startTestStack, type TestStack } from '../../support/stack.ts';
import { exe, pdf } from '../../unit/attachments/fixtures.ts';
import { download, upload, whereIs } from './support.ts';

const OWN = 'SO-NNMT';

let stack: TestStack;
let officer: string;

beforeAll(async () => {
  stack = await startTestStack();
  officer = await stack.token('officer', OWN);
});
afterAll(() => stack?.close());

/** A web case routed to SO-NNMT and accepted, carrying the citizen's uploads. */
async function acceptedCase(citizenUploads: string[] = []): Promise<string> {
  const r = await stack.api('POST', '/v1/cases', {
    body: sampleWebCase({ categoryCode: 'dat-dai', attachments: citizenUploads }),
  });
  expect(r.status, r.text).toBe(201);
  const code = r.json.code as string;
  const accepted = await stack.api('POST', `/v1/cases/${code}/accept`, { token: officer, body: {} });
  expect(accepted.status, accepted.text).toBe(200);
  return code;
}

const resolve = (code: string, body: Record<string, unknown>) =>
  stack.api('POST', `/v1/cases/${code}/resolve`, { token: officer, body });

const publicView = async (code: string) => (await stack.api('GET', `/v1/cases/${code}`)).json;
const publicLink = (code: string, id: string) => stack.api('GET', `/v1/cases/${code}/result-documents/${id}`);

describe('a published answer with a result document', () => {
  let code: string;
  let citizenId: string;
  let docId: string;
  const scan = pdf();

  beforeAll(async () => {
    const citizen = await upload(stack, 'Đơn của công dân.pdf', pdf());
    citizenId = citizen.uploadId as string;
    code = await acceptedCase([citizenId]);
    // The officer uploads through the same public slot the citizen form uses.
    const doc = await upload(stack, 'Công văn trả lời số 125.pdf', scan);
    expect(doc.state.status).toBe('clean');
    docId = doc.uploadId as string;
  });

  it('is bound to the case as a result document of the answer', async () => {
    const r = await resolve(code, {
      answer: 'Sở đã cấp giấy chứng nhận; công văn kèm theo.',
      publish: true,
      attachments: [docId],
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toBe('resolved');
    expect(r.json.attachments).toEqual([
      expect.objectContaining({ id: citizenId, status: 'clean' }),
      {
        id: docId,
        fileName: 'Công văn trả lời số 125.pdf',
        contentType: 'application/pdf',
        size: scan.length,
        status: 'clean',
        purpose: 'result',
        answerNo: 1,
      },
    ]);
    expect(r.json.attachments[0]).not.toHaveProperty('purpose');
    expect(await whereIs(stack, docId)).toEqual(['attached']);
    expect((await stack.api('GET', `/v1/uploads/${docId}`)).json.status).toBe('attached');
  });

  it('is listed in the public view with its download path, and the citizen’s file is not', async () => {
    const pub = await publicView(code);
    expect(pub.resultDocuments).toEqual([
      {
        id: docId,
        fileName: 'Công văn trả lời số 125.pdf',
        contentType: 'application/pdf',
        size: scan.length,
        path: `/v1/cases/${code}/result-documents/${docId}`,
      },
    ]);
    expect(pub).not.toHaveProperty('attachments');
    expect(JSON.stringify(pub)).not.toContain(citizenId);
    expect(JSON.stringify(pub)).not.toContain('Đơn của công dân');
  });

  it('downloads through the public path, without a token, as the same bytes', async () => {
    const path = (await publicView(code)).resultDocuments[0].path as string;
    const link = await stack.api('GET', path);
    expect(link.status, link.text).toBe(200);
    expect(link.json).toMatchObject({ id: docId, fileName: 'Công văn trả lời số 125.pdf' });
    expect(Date.parse(link.json.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const got = await download(link.json.url);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(scan)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('refuses the citizen’s attachment id, an unknown id and a malformed code on the public path', async () => {
    for (const r of [
      await publicLink(code, citizenId),
      await publicLink(code, 'f'.repeat(32)),
      await publicLink('not-a-code', docId),
    ]) {
      expect(r.status, r.text).toBe(404);
      expect(r.text).not.toContain('Đơn của công dân');
    }
    expect((await publicLink(code, citizenId)).json.error.message).toBe('Không tìm thấy văn bản kết quả đã công khai.');
  });
});

describe('what is never published', () => {
  it('an unpublished answer’s document: not listed, no public link; staff still open it', async () => {
    const code = await acceptedCase();
    const doc = await upload(stack, 'Biên bản kiểm tra.pdf', pdf());
    const r = await resolve(code, { answer: 'Đã trả lời người gửi.', publish: false, attachments: [doc.uploadId] });
    expect(r.status, r.text).toBe(200);
    const pub = await publicView(code);
    expect(pub.status).toBe('resolved');
    expect(pub.answer).toBeUndefined();
    expect(pub.resultDocuments).toBeUndefined();
    expect(JSON.stringify(pub)).not.toContain(doc.uploadId as string);
    expect((await publicLink(code, doc.uploadId as string)).status).toBe(404);
    const staff = await stack.api('GET', `/v1/cases/${code}/attachments/${doc.uploadId}`, { token: officer });
    expect(staff.status, staff.text).toBe(200);
  });

  it('an earlier answer’s document once the case is reopened and answered again', async () => {
    const code = await acceptedCase();
    const doc = await upload(stack, 'Kết quả lần 1.pdf', pdf());
    expect((await resolve(code, { answer: 'Lần 1.', publish: true, attachments: [doc.uploadId] })).status).toBe(200);
    expect((await publicView(code)).resultDocuments).toHaveLength(1);
    const rated = await stack.api('POST', `/v1/cases/${code}/rating`, {
      body: { rating: 'chua_hai_long', unresolved: true, contact: '0900000456' },
    });
    expect(rated.status, rated.text).toBe(200);
    expect(rated.json.outcome).toBe('reopened');
    // Answered again within the same second as the first answer, possibly: answers are numbered.
    expect((await resolve(code, { answer: 'Lần 2, không kèm văn bản.', publish: true })).status).toBe(200);
    const pub = await publicView(code);
    expect(pub.answer.text).toBe('Lần 2, không kèm văn bản.');
    expect(pub.resultDocuments).toBeUndefined();
    expect((await publicLink(code, doc.uploadId as string)).status).toBe(404);
  });
});

describe('what a resolve accepts as a result document', () => {
  it('refuses a file the citizen sent with a case: 422 naming attachments, nothing written', async () => {
    const citizen = await upload(stack, 'Ảnh của công dân.pdf', pdf());
    const code = await acceptedCase([citizen.uploadId as string]);
    const r = await resolve(code, { answer: 'Đã xử lý.', publish: true, attachments: [citizen.uploadId] });
    expect(r.status, r.text).toBe(422);
    expect(r.json.error.fields).toEqual([
      {
        field: 'attachments',
        message: 'Tệp "Ảnh của công dân.pdf" đã thuộc một phản ánh, kiến nghị; vui lòng tải lên văn bản kết quả.',
      },
    ]);
    expect((await publicView(code)).status).toBe('in_progress');
  });

  it('refuses a refused upload with its message, and one not yet checked', async () => {
    const code = await acceptedCase();
    const bad = await upload(stack, 'cong-van.pdf', exe());
    expect(bad.state.status).toBe('rejected');
    const r = await resolve(code, { answer: 'Đã xử lý.', publish: true, attachments: [bad.uploadId] });
    expect(r.status).toBe(422);
    expect(r.json.error.fields).toEqual([{ field: 'attachments', message: bad.state.message }]);
    expect(r.json.error.message).toContain('Chưa gửi kết quả: văn bản kết quả chưa hợp lệ.');

    const slot = await stack.api('POST', '/v1/uploads', {
      body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 100 },
    });
    const pending = await resolve(code, { answer: 'Đã xử lý.', publish: true, attachments: [slot.json.uploadId] });
    expect(pending.status).toBe(422);
    expect(pending.json.error.fields[0].message).toContain('chưa được kiểm tra xong');
    expect((await publicView(code)).status).toBe('in_progress');
  });

  it('refuses a sixth document and a document sent twice by schema', async () => {
    const code = await acceptedCase();
    const ids = Array.from({ length: 6 }, (_, i) => `${i}`.repeat(32));
    const six = await resolve(code, { answer: 'Đã xử lý.', publish: true, attachments: ids });
    expect(six.status).toBe(422);
    expect(six.json.error.fields).toEqual([
      { field: 'attachments', message: 'Văn bản kết quả: tối đa 5 tệp cho mỗi lần trả lời.' },
    ]);
    const twice = await resolve(code, { answer: 'Đã xử lý.', publish: true, attachments: [ids[0], ids[0]] });
    expect(twice.status).toBe(422);
    expect(twice.json.error.fields[0].message).toBe('Văn bản kết quả: một tệp được gửi hai lần.');
  });

  it('the same document cannot serve two answers', async () => {
    const first = await acceptedCase();
    const second = await acceptedCase();
    const doc = await upload(stack, 'Công văn chung.pdf', pdf());
    expect((await resolve(first, { answer: 'Một.', publish: true, attachments: [doc.uploadId] })).status).toBe(200);
    const r = await resolve(second, { answer: 'Hai.', publish: true, attachments: [doc.uploadId] });
    expect(r.status).toBe(422);
    expect(r.json.error.fields[0].message).toContain('Tệp "Công văn chung.pdf" đã thuộc một phản ánh, kiến nghị');
  });
});
