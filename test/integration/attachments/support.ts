/**
 * What the attachment scenarios share: uploading a file exactly as the citizen form does (a slot
 * from the API, a multipart POST of its fields and the file to the slot's URL, then the verdict),
 * and looking at what the local store keeps on disk.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiResponse, TestStack } from '../../support/stack.ts';

export interface Uploaded {
  slot: ApiResponse;
  /** Status of the multipart POST to storage (204 when stored). */
  stored?: number;
  storedBody?: any;
  uploadId?: string;
  /** `GET /v1/uploads/{id}` after the upload. */
  state?: any;
}

export async function upload(
  stack: TestStack,
  fileName: string,
  bytes: Uint8Array,
  opts: { contentType?: string; declaredSize?: number; editFields?: (f: Record<string, string>) => void } = {},
): Promise<Uploaded> {
  const contentType = opts.contentType ?? guessType(fileName);
  const slot = await stack.api('POST', '/v1/uploads', {
    body: { fileName, contentType, size: opts.declaredSize ?? bytes.length },
  });
  if (slot.status !== 201) return { slot };
  const fields = { ...(slot.json.fields as Record<string, string>) };
  opts.editFields?.(fields);
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), fileName);
  const r = await fetch(slot.json.url, { method: 'POST', body: form });
  const text = await r.text();
  const uploadId = slot.json.uploadId as string;
  const state = (await stack.api('GET', `/v1/uploads/${uploadId}`)).json;
  return { slot, stored: r.status, storedBody: text ? JSON.parse(text) : undefined, uploadId, state };
}

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** What a browser puts in `File.type`: from the extension, never from the content. */
export const guessType = (fileName: string) => TYPES[/\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? ''] ?? '';

/** Object keys (without sidecars) the local store holds under a prefix. */
export async function stored(stack: TestStack, prefix: 'quarantine' | 'clean' | 'attached' | 'rejected') {
  try {
    return (await readdir(join(stack.filesDir, prefix))).filter((f) => !f.endsWith('.json') && !f.endsWith('.tmp'));
  } catch {
    return [];
  }
}

/** Every object the store holds for an upload id, by prefix. */
export async function whereIs(stack: TestStack, id: string) {
  const out: string[] = [];
  for (const p of ['quarantine', 'clean', 'attached', 'rejected'] as const) {
    if ((await stored(stack, p)).includes(id)) out.push(p);
  }
  return out;
}

/** Cases received around now. */
export async function casesNow(stack: TestStack): Promise<number> {
  const now = Date.now();
  const page = await stack.store.listReceived(
    new Date(now - 86_400_000).toISOString(),
    new Date(now + 86_400_000).toISOString(),
    { limit: 500 },
  );
  return page.items.length;
}

/** Download a signed link; the body as bytes. */
export async function download(url: string) {
  const r = await fetch(url);
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}
