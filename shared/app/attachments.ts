/**
 * Attachments end to end: an upload slot for the browser, the check that lets a file out of
 * quarantine, binding checked files to a case at intake (and an answer's result documents when it
 * is given), short-lived links for the staff who handle the case and, for the result documents of a
 * published answer, for anyone; deletion under retention, and files listed by national (VPCP) items.
 *
 * A file's state is the prefix it is stored under, so IAM grants and lifecycle rules follow it:
 * - `quarantine/<id>`: uploaded by the browser, not checked; only the checker reads it (expires in 1 day).
 * - `clean/<id>`: checked, metadata stripped, in no case yet (expires in 2 days).
 * - `attached/<id>`: part of a case; kept until the case's personal data is deleted.
 * - `rejected/<id>`: why a file was refused (a small JSON record; the file itself is deleted).
 * Nothing about an upload is kept anywhere else: the browser names its files by upload id, and the
 * store answers what state each is in.
 */
import { createHash } from 'node:crypto';
import { toVnIso } from '../calendar/index.ts';
import { type Actor, hasRole } from '../domain/actor.ts';
import {
  baseName,
  checkDeclared,
  formatSize,
  inspectFile,
  kindOfName,
  MAX_ATTACHMENT_BYTES,
  type Refusal,
  type RefusalCode,
  refusal,
} from '../domain/attachments.ts';
import { type Attachment, type Case, publishedResultDocuments } from '../domain/case.ts';
import { isCaseCode } from '../domain/code.ts';
import { DomainError, forbidden, notFound } from '../domain/errors.ts';
import type { UploadRequest } from '../domain/schemas.ts';
import { log } from '../log.ts';
import type { AppDeps } from './context.ts';
import { updateCase } from './outbox.ts';
import type { FileStore, StoredObject } from './ports.ts';

/** Time to upload a 10 MB file on a slow mobile connection. */
const UPLOAD_SLOT_SECONDS = 15 * 60;
/** A download link is for opening the file now, not for passing around. */
const LINK_SECONDS = 5 * 60;

const ID = /^[0-9a-f]{32}$/;
type State = 'quarantine' | 'clean' | 'attached' | 'rejected';
const keyOf = (state: State, id: string) => `${state}/${id}`;

function filesOf(deps: AppDeps): FileStore {
  if (!deps.files) throw new Error('attachments: no file store configured (ATTACHMENTS_BUCKET or PAKN_FILES_DIR)');
  return deps.files;
}

const nameOf = (o: StoredObject): string => {
  try {
    return decodeURIComponent(o.metadata.filename ?? '');
  } catch {
    return '';
  }
};

/**
 * `POST /v1/uploads`: a slot for one file.
 * 1. Judge what the browser declares: an allowed extension, a type that does not contradict it, ≤ 10 MB.
 * 2. Sign a form POST into `quarantine/<new id>` for exactly that size, the extension's canonical
 *    type and the file name; the checker reads the real type from the bytes later.
 */
export async function requestUpload(deps: AppDeps, input: UploadRequest, now: Date) {
  const declared = checkDeclared(input.fileName, input.contentType, input.size);
  if (!declared.ok) {
    const field = declared.code === 'too_large' || declared.code === 'empty' ? 'size' : 'fileName';
    throw new DomainError('validation', 'upload_refused', declared.message, [{ field, message: declared.message }]);
  }
  const uploadId = Buffer.from(deps.random(16)).toString('hex');
  const expiresAt = new Date(now.getTime() + UPLOAD_SLOT_SECONDS * 1000);
  const slot = await filesOf(deps).presignUpload({
    key: keyOf('quarantine', uploadId),
    contentType: declared.mime,
    size: input.size,
    metadata: { filename: encodeURIComponent(declared.fileName) },
    expiresAt,
    now,
  });
  return { uploadId, url: slot.url, fields: slot.fields, expiresAt: toVnIso(expiresAt) };
}

export type CheckOutcome =
  | { uploadId: string; status: 'clean'; removed: string[] }
  | { uploadId: string; status: 'rejected'; code: RefusalCode }
  | { status: 'ignored'; key: string };

/**
 * The checker (S3 `ObjectCreated` under `quarantine/` on AWS; right after the upload locally).
 * 1. Read the file; an event for a file already handled (events may repeat) is ignored.
 * 2. Judge it from its bytes, whatever its name and declared type say; strip photo metadata.
 * 3. Clean: write the stripped bytes to `clean/<id>`. Refused: record why in `rejected/<id>`.
 * 4. Delete the quarantined original either way: nothing unchecked is kept.
 */
export async function checkUpload(deps: AppDeps, key: string, now: Date): Promise<CheckOutcome> {
  const files = filesOf(deps);
  const id = /^quarantine\/([0-9a-f]{32})$/.exec(key)?.[1];
  if (!id) return { status: 'ignored', key };
  const head = await files.head(key);
  if (!head) return { status: 'ignored', key };
  const fileName = nameOf(head) || 'tệp';
  let verdict: ReturnType<typeof inspectFile>;
  if (head.size > MAX_ATTACHMENT_BYTES) verdict = refusal('too_large', fileName, { size: head.size });
  else {
    const obj = await files.get(key);
    if (!obj) return { status: 'ignored', key };
    verdict = inspectFile(obj.bytes, fileName);
  }
  if (verdict.ok) {
    await files.put(keyOf('clean', id), verdict.bytes, {
      contentType: verdict.mime,
      metadata: {
        filename: encodeURIComponent(baseName(fileName)),
        kind: verdict.kind,
        sha256: createHash('sha256').update(verdict.bytes).digest('hex'),
        'checked-at': now.toISOString(),
      },
    });
  } else {
    const record = { code: verdict.code, message: verdict.message, fileName: baseName(fileName), at: toVnIso(now) };
    await files.put(keyOf('rejected', id), new TextEncoder().encode(JSON.stringify(record)), {
      contentType: 'application/json',
      metadata: {},
    });
  }
  await files.delete(key);
  log(verdict.ok ? 'info' : 'warn', 'upload checked', {
    uploadId: id,
    ...(verdict.ok ? { kind: verdict.kind, removed: verdict.removed } : { refused: verdict.code }),
  });
  return verdict.ok
    ? { uploadId: id, status: 'clean', removed: verdict.removed }
    : { uploadId: id, status: 'rejected', code: verdict.code };
}

export type UploadState =
  | { uploadId: string; status: 'pending' }
  | { uploadId: string; status: 'clean'; fileName: string; contentType: string; size: number }
  | { uploadId: string; status: 'rejected'; fileName: string; code: RefusalCode; message: string }
  | { uploadId: string; status: 'attached' };

/**
 * `GET /v1/uploads/{uploadId}`: what became of an upload, so the form can tell the sender at once.
 * The id is 128 random bits only the uploader holds. Without a verdict yet the answer is `pending`
 * (uploaded or not: only the checker ever reads `quarantine/`); the form stops waiting after a while.
 */
export async function uploadStatus(deps: AppDeps, uploadId: string): Promise<UploadState> {
  const files = filesOf(deps);
  if (!ID.test(uploadId)) throw new DomainError('not_found', 'upload_not_found', 'Không tìm thấy tệp đã tải lên.');
  const clean = await files.head(keyOf('clean', uploadId));
  if (clean) {
    return { uploadId, status: 'clean', fileName: nameOf(clean), contentType: clean.contentType, size: clean.size };
  }
  const rejected = await files.get(keyOf('rejected', uploadId));
  if (rejected) {
    const r = JSON.parse(new TextDecoder().decode(rejected.bytes)) as {
      code: RefusalCode;
      message: string;
      fileName: string;
    };
    return { uploadId, status: 'rejected', fileName: r.fileName, code: r.code, message: r.message };
  }
  if (await files.head(keyOf('attached', uploadId))) return { uploadId, status: 'attached' };
  return { uploadId, status: 'pending' };
}

/**
 * Intake, before the case is written: every upload must have been checked clean; the entries the
 * case will carry come from the checked copies, never from what the client says.
 * An upload already bound to the case this same request created (a retry with the same
 * Idempotency-Key) is accepted as it is; bound to any other case, it is refused.
 */
export async function attachmentsForIntake(
  deps: AppDeps,
  uploadIds: string[],
  intakeKey: string | undefined,
): Promise<Attachment[]> {
  return checkUploads(deps, uploadIds, 'Chưa tiếp nhận: tệp đính kèm chưa hợp lệ.', async (id, attached) => {
    const owner = attached.metadata.case ? await deps.cases.get(attached.metadata.case) : undefined;
    const entry = owner?.attachments?.find((a) => a.id === id);
    if (intakeKey && owner?.intakeKey === intakeKey && entry) return entry;
    return `Tệp "${nameOf(attached)}" đã được gửi kèm một phản ánh, kiến nghị khác; vui lòng chọn lại tệp.`;
  });
}

/**
 * The checks intake and answers share: each upload must be checked clean (its entry comes from the
 * checked copy, never from what the client says); an upload already under a case is for `onAttached`
 * to accept (an entry) or refuse (a message); anything else is not ready. All refusals are named.
 */
async function checkUploads(
  deps: AppDeps,
  uploadIds: string[],
  summary: string,
  onAttached: (id: string, attached: StoredObject) => Promise<Attachment | string>,
): Promise<Attachment[]> {
  if (uploadIds.length === 0) return [];
  const files = filesOf(deps);
  const out: Attachment[] = [];
  const problems: string[] = [];
  for (const id of uploadIds) {
    const clean = await files.head(keyOf('clean', id));
    if (clean) {
      out.push({ id, fileName: nameOf(clean), contentType: clean.contentType, size: clean.size, status: 'clean' });
      continue;
    }
    const attached = await files.head(keyOf('attached', id));
    const verdict = attached ? await onAttached(id, attached) : await notReady(deps, id);
    if (typeof verdict === 'string') problems.push(verdict);
    else out.push(verdict);
  }
  if (problems.length > 0) {
    throw new DomainError(
      'validation',
      'attachments_not_ready',
      `${summary} ${problems[0]}`,
      problems.map((message) => ({ field: 'attachments', message })),
    );
  }
  return out;
}

/** Why an upload that is neither clean nor bound to a case cannot be used (yet). */
async function notReady(deps: AppDeps, id: string): Promise<string> {
  const state = await uploadStatus(deps, id);
  return state.status === 'rejected'
    ? state.message
    : 'Tệp đính kèm chưa được kiểm tra xong hoặc đã quá hạn: vui lòng đợi vài giây rồi gửi lại, hoặc chọn lại tệp.';
}

/**
 * An answer's result documents (`POST /v1/cases/{code}/resolve`), before the answer is written:
 * every upload must have been checked clean and belong to no case yet (a file the citizen sent,
 * or one another answer took, is refused); the entries come from the checked copies, never from
 * what the client says. `bindAttachments` then moves them under the case, as at intake.
 */
export async function attachmentsForAnswer(deps: AppDeps, uploadIds: string[]): Promise<Attachment[]> {
  return checkUploads(
    deps,
    uploadIds,
    'Chưa gửi kết quả: văn bản kết quả chưa hợp lệ.',
    async (_id, attached) =>
      `Tệp "${nameOf(attached)}" đã thuộc một phản ánh, kiến nghị; vui lòng tải lên văn bản kết quả.`,
  );
}

/**
 * Intake (or an answer), after the case is written: move its checked files from `clean/` to `attached/`, marked
 * with the case code, out of reach of the lifecycle rule that clears unclaimed uploads. Repeatable:
 * a file already moved is skipped, so a retried request finishes what an interrupted one began.
 */
export async function bindAttachments(deps: AppDeps, c: Case): Promise<void> {
  const files = filesOf(deps);
  for (const a of c.attachments ?? []) {
    if (a.status !== 'clean') continue;
    const from = keyOf('clean', a.id);
    const src = await files.head(from);
    if (!src) continue;
    await files.copy(from, keyOf('attached', a.id), {
      contentType: src.contentType,
      metadata: { ...src.metadata, case: c.code },
    });
    await files.delete(from);
  }
}

/**
 * `GET /v1/cases/{code}/attachments/{id}`: a link to one file, valid for five minutes.
 * 1. Only VPUB coordinators and officers of the agency the case is assigned to now.
 * 2. Only a file the case lists as clean and still stored.
 * 3. Every link handed out is logged (who, which case, which file), never the file's name.
 */
export async function attachmentLink(deps: AppDeps, code: string, attachmentId: string, actor: Actor, now: Date) {
  const files = filesOf(deps);
  const c = await deps.cases.get(isCaseCode(code) ? code : 'INVALID-00-000000');
  if (!c || !isCaseCode(code)) throw notFound();
  const own = hasRole(actor, 'officer') && actor.agencyId !== undefined && actor.agencyId === c.agencyId;
  if (!hasRole(actor, 'coordinator') && !own) throw forbidden('Tệp đính kèm này không thuộc phạm vi của bạn.');
  const a = c.attachments?.find((x) => x.id === attachmentId);
  if (!a) throw notFound('Không tìm thấy tệp đính kèm.');
  if (a.status === 'rejected') throw notFound(`Tệp đã bị từ chối khi kiểm tra: ${a.reason ?? ''}`.trim());
  if (a.status === 'deleted') throw notFound('Tệp đính kèm đã được xóa theo thời hạn lưu trữ.');
  const link = await downloadLink(files, a, now, 'Tệp đính kèm không còn được lưu trữ.');
  log('info', 'attachment link issued', { caseCode: c.code, attachmentId: a.id, actor: actor.id });
  return link;
}

/**
 * `GET /v1/cases/{code}/result-documents/{id}`: anyone gets a five-minute link to a result document
 * of a published answer. Anything else (an unpublished answer, an earlier answer's document, a file
 * the citizen sent, an unknown id) answers the same 404, so the route says nothing about a case's
 * private files. Links are logged like staff links, without the caller (there is none).
 */
export async function resultDocumentLink(deps: AppDeps, code: string, documentId: string, now: Date) {
  const files = filesOf(deps);
  const c = await deps.cases.get(isCaseCode(code) ? code : 'INVALID-00-000000');
  if (!c || !isCaseCode(code)) throw notFound();
  const a = publishedResultDocuments(c).find((x) => x.id === documentId);
  if (!a) throw notFound('Không tìm thấy văn bản kết quả đã công khai.');
  const link = await downloadLink(files, a, now, 'Văn bản kết quả không còn được lưu trữ.');
  log('info', 'result document link issued', { caseCode: c.code, attachmentId: a.id });
  return link;
}

/** A link to an attached file that is still stored, valid for {@link LINK_SECONDS}; `gone`: the 404's text. */
async function downloadLink(files: FileStore, a: Attachment, now: Date, gone: string) {
  const key = keyOf('attached', a.id);
  if (!(await files.head(key))) throw notFound(gone);
  const expiresAt = new Date(now.getTime() + LINK_SECONDS * 1000);
  const url = await files.presignDownload(key, { fileName: a.fileName, contentType: a.contentType, expiresAt, now });
  return {
    id: a.id,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.size,
    url,
    expiresAt: toVnIso(expiresAt),
  };
}

/**
 * Retention: delete a case's files and mark them deleted on the case (one history entry). Call it
 * wherever a case's personal data is erased; repeatable.
 */
export async function deleteCaseFiles(deps: AppDeps, code: string, actor: Actor, now: Date): Promise<number> {
  const files = filesOf(deps);
  const c = await deps.cases.get(code);
  const kept = (c?.attachments ?? []).filter((a) => a.status === 'clean');
  for (const a of kept) await files.delete(keyOf('attached', a.id));
  if (kept.length === 0) return 0;
  await updateCase(deps, code, (cur) => {
    const ids = new Set(kept.map((a) => a.id));
    if (!cur.attachments?.some((a) => ids.has(a.id) && a.status === 'clean')) return undefined;
    return {
      ...cur,
      attachments: cur.attachments.map((a) => (ids.has(a.id) ? { ...a, status: 'deleted' as const } : a)),
      version: cur.version + 1,
      history: [
        ...cur.history,
        {
          at: toVnIso(now),
          actor: actor.id,
          action: 'attachments_deleted',
          note: `Đã xóa ${kept.length} tệp đính kèm theo thời hạn lưu trữ.`,
        },
      ],
    };
  });
  return kept.length;
}

/** How the VPCP sync reaches the national system's files. */
export interface NationalFileOptions {
  /** The only origin (scheme, host, port) files are fetched from: the national system's. */
  origin: string;
  /** For one file, headers and body together. */
  timeoutMs: number;
  maxBytes?: number;
  fetch?: typeof fetch;
}

export interface NationalFilesReport {
  attached: Attachment[];
  rejected: Attachment[];
  /** Not fetched for a passing reason (timeout, the national system down): call again later. */
  retry: Array<{ ten: string; url: string; reason: string }>;
}

/**
 * A national item's `dinhKem`, for the VPCP sync to call once the item is a case (and again on
 * later runs: it is idempotent, each file's id derives from the case code and its URL).
 * 1. Fetch each URL only from the configured national origin, without following redirects,
 *    aborting past the size cap or the time cap.
 * 2. Judge the bytes exactly as a web upload is judged; store clean files straight into `attached/`.
 * 3. Add clean and refused files to the case (a refused one with why) and one history entry.
 */
export async function importNationalAttachments(
  deps: AppDeps,
  code: string,
  dinhKem: ReadonlyArray<{ ten: string; url: string }>,
  opts: NationalFileOptions,
  now: Date,
): Promise<NationalFilesReport> {
  const files = filesOf(deps);
  const report: NationalFilesReport = { attached: [], rejected: [], retry: [] };
  const c = await deps.cases.get(code);
  if (!c) throw notFound();
  for (const item of dinhKem) {
    const id = createHash('sha256').update(`${code}\n${item.url}`).digest('hex').slice(0, 32);
    if (c.attachments?.some((a) => a.id === id)) continue;
    const fileName = nationalFileName(item);
    const fetched = await fetchNational(item.url, opts);
    if (fetched.status === 'retry') {
      report.retry.push({ ...item, reason: fetched.reason });
      continue;
    }
    const verdict: ReturnType<typeof inspectFile> | Refusal =
      fetched.status === 'refused' ? fetched.refusal(fileName) : inspectFile(fetched.bytes, fileName);
    const base = { id, fileName: baseName(fileName) };
    if (!verdict.ok) {
      report.rejected.push({ ...base, contentType: '', size: 0, status: 'rejected', reason: verdict.message });
      continue;
    }
    await files.put(keyOf('attached', id), verdict.bytes, {
      contentType: verdict.mime,
      metadata: { filename: encodeURIComponent(base.fileName), kind: verdict.kind, case: code, source: 'vpcp' },
    });
    report.attached.push({ ...base, contentType: verdict.mime, size: verdict.bytes.length, status: 'clean' });
  }
  const added = [...report.attached, ...report.rejected];
  if (added.length === 0) return report;
  await updateCase(deps, code, (cur) => {
    const fresh = added.filter((a) => !cur.attachments?.some((x) => x.id === a.id));
    if (fresh.length === 0) return undefined;
    const refused = fresh.filter((a) => a.status === 'rejected');
    return {
      ...cur,
      attachments: [...(cur.attachments ?? []), ...fresh],
      version: cur.version + 1,
      history: [
        ...cur.history,
        {
          at: toVnIso(now),
          actor: 'vpcp',
          action: 'attachments_received',
          note:
            `Nhận ${fresh.length - refused.length} tệp đính kèm từ hệ thống PAKN quốc gia.` +
            refused.map((a) => ` Từ chối: ${a.reason}`).join(''),
        },
      ],
    };
  });
  return report;
}

/** `ten` as the national system names the file; its URL's last segment when `ten` has no usable extension. */
function nationalFileName(item: { ten: string; url: string }): string {
  if (kindOfName(item.ten)) return item.ten;
  try {
    const last = decodeURIComponent(new URL(item.url).pathname.split('/').pop() ?? '');
    return kindOfName(last) ? last : item.ten;
  } catch {
    return item.ten;
  }
}

type Fetched =
  | { status: 'ok'; bytes: Uint8Array }
  | { status: 'refused'; refusal: (fileName: string) => Refusal }
  | { status: 'retry'; reason: string };

const refused = (message: string, code: RefusalCode = 'unknown_content'): Fetched => ({
  status: 'refused',
  refusal: (fileName) => ({ ok: false, code, message: `Tệp "${baseName(fileName)}": ${message}` }),
});

async function fetchNational(url: string, opts: NationalFileOptions): Promise<Fetched> {
  const max = opts.maxBytes ?? MAX_ATTACHMENT_BYTES;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return refused('địa chỉ tệp không hợp lệ; không tải về.');
  }
  // Only the national system's own origin: a URL in an item is data from outside, and following it
  // anywhere else would let an item make this function call internal or arbitrary hosts.
  if (target.origin !== new URL(opts.origin).origin || target.username || target.password) {
    return refused(`tệp không nằm trên máy chủ của hệ thống PAKN quốc gia (${target.host}); không tải về.`);
  }
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    const res = await (opts.fetch ?? fetch)(target, { redirect: 'manual', signal });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      return refused('máy chủ chuyển hướng sang địa chỉ khác; không tải về.');
    }
    if (res.status >= 500 || res.status === 429) {
      await res.body?.cancel();
      return { status: 'retry', reason: `máy chủ quốc gia trả lỗi ${res.status}` };
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return refused(`máy chủ quốc gia không trả tệp (mã ${res.status}).`);
    }
    const tooLarge = refused(`lớn hơn giới hạn ${formatSize(max)} mỗi tệp; không tải về.`, 'too_large');
    if (Number(res.headers.get('content-length') ?? 0) > max) {
      await res.body.cancel();
      return tooLarge;
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > max) {
        await res.body.cancel().catch(() => undefined);
        return tooLarge;
      }
      chunks.push(chunk);
    }
    return { status: 'ok', bytes: Buffer.concat(chunks) };
  } catch (e) {
    const name = (e as Error).name;
    return {
      status: 'retry',
      reason: name === 'TimeoutError' || name === 'AbortError' ? 'quá thời gian tải tệp' : 'không kết nối được máy chủ',
    };
  }
}
