/**
 * Attachments on the citizen form. Each chosen file is checked here first (type, size, count), then
 * gets an upload slot from the API (`POST /v1/uploads`), is posted straight to storage with the
 * slot's fields, and waits for the server's verdict (`GET /v1/uploads/{id}`), which is read from
 * the file's bytes. Each file's state is shown in the list beside the picker and announced politely;
 * nothing moves focus. Only files checked clean are sent with the PAKN, by upload id.
 */
import { api, failureMessage, h } from './pakn.js';

const MAX_FILES = 5;
const MAX_BYTES = 10 * 1024 * 1024;
const EXTENSIONS = ['jpg', 'jpeg', 'png', 'pdf', 'doc', 'docx', 'xls', 'xlsx'];
const ALLOWED = 'JPG, PNG, PDF, DOC, DOCX, XLS, XLSX';
/** The check runs as soon as the file lands (a second or two on AWS); past this the sender is told. */
const VERDICT_WAIT_MS = 30_000;

/** "10 MB", "1,5 MB", "900 KB", with the Vietnamese decimal comma. */
function formatSize(bytes) {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${mb.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
  return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('vi-VN')} KB`;
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Why a file cannot even be tried, or undefined. */
function localProblem(file, accepted) {
  const ext = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase();
  if (accepted >= MAX_FILES) return `Chỉ gửi kèm được tối đa ${MAX_FILES} tệp.`;
  if (!ext || !EXTENSIONS.includes(ext)) return `Loại tệp không được nhận (chỉ nhận ${ALLOWED}).`;
  if (file.size > MAX_BYTES)
    return `Dung lượng ${formatSize(file.size)}, vượt quá giới hạn ${formatSize(MAX_BYTES)} mỗi tệp.`;
  if (file.size === 0) return 'Tệp rỗng (0 byte).';
  return undefined;
}

const STATE_TEXT = {
  uploading: 'Đang tải lên và kiểm tra an toàn…',
  clean: 'Đã kiểm tra, sẵn sàng gửi kèm.',
};

/**
 * @param {{input: HTMLInputElement, list: HTMLUListElement, live: HTMLElement}} parts
 */
export function attachmentPicker({ input, list, live }) {
  /** @type {Array<{file: File, state: 'uploading'|'clean'|'refused', message?: string, uploadId?: string, done: Promise<void>}>} */
  let entries = [];

  const announce = (text) => {
    live.textContent = text;
  };

  function render() {
    list.replaceChildren(
      ...entries.map((entry) => {
        const remove = h(
          'button',
          { type: 'button', className: 'button button--secondary' },
          'Bỏ tệp',
          h('span', { className: 'visually-hidden' }, ` ${entry.file.name}`),
        );
        remove.addEventListener('click', () => {
          entries = entries.filter((e) => e !== entry);
          render();
          announce(`Đã bỏ tệp ${entry.file.name}.`);
          input.focus();
        });
        const refused = entry.state === 'refused';
        return h(
          'li',
          {},
          h('strong', {}, entry.file.name),
          ` (${formatSize(entry.file.size)}): `,
          h(
            'span',
            { className: refused ? 'field-error' : 'hint' },
            refused ? `Không nhận: ${entry.message}` : STATE_TEXT[entry.state],
          ),
          ' ',
          remove,
        );
      }),
    );
    list.hidden = entries.length === 0;
  }

  function settle(entry, state, message) {
    entry.state = state;
    entry.message = message;
    if (!entries.includes(entry)) return;
    render();
    announce(
      state === 'clean'
        ? `Tệp ${entry.file.name} đã sẵn sàng gửi kèm.`
        : `Tệp ${entry.file.name} không được nhận: ${message}`,
    );
  }

  async function upload(entry) {
    const { file } = entry;
    const slot = await api('/v1/uploads', {
      method: 'POST',
      body: { fileName: file.name, contentType: file.type, size: file.size },
    });
    if (slot.status !== 201) return settle(entry, 'refused', slot.json?.error?.message ?? failureMessage(slot));
    const form = new FormData();
    for (const [name, value] of Object.entries(slot.json.fields)) form.append(name, value);
    form.append('file', file);
    let stored;
    try {
      stored = await fetch(slot.json.url, { method: 'POST', body: form });
    } catch {
      stored = { ok: false };
    }
    if (!stored.ok) {
      return settle(entry, 'refused', 'Chưa tải được tệp lên. Vui lòng kiểm tra kết nối mạng, bỏ tệp rồi chọn lại.');
    }
    entry.uploadId = slot.json.uploadId;
    const giveUp = Date.now() + VERDICT_WAIT_MS;
    for (let wait = 250; Date.now() < giveUp; wait = Math.min(wait * 2, 2000)) {
      const r = await api(`/v1/uploads/${encodeURIComponent(entry.uploadId)}`);
      if (r.json?.status === 'clean' || r.json?.status === 'attached') return settle(entry, 'clean');
      if (r.json?.status === 'rejected') return settle(entry, 'refused', r.json.message);
      await sleep(wait);
    }
    return settle(entry, 'refused', 'Chưa kiểm tra xong tệp. Vui lòng bỏ tệp rồi chọn lại sau ít phút.');
  }

  input.addEventListener('change', () => {
    for (const file of input.files ?? []) {
      const accepted = entries.filter((e) => e.state !== 'refused').length;
      const problem = localProblem(file, accepted);
      const entry = { file, state: problem ? 'refused' : 'uploading', message: problem };
      entry.done = problem ? Promise.resolve() : upload(entry);
      entries.push(entry);
      if (problem) announce(`Tệp ${file.name} không được nhận: ${problem}`);
    }
    // The same file can be chosen again after it is removed.
    input.value = '';
    render();
  });

  return {
    /**
     * Wait for uploads still running; then the upload ids to send, and the files that stop the
     * submission (each message names its file).
     */
    async settle() {
      await Promise.all(entries.map((e) => e.done));
      return {
        ids: entries.filter((e) => e.state === 'clean').map((e) => e.uploadId),
        // Messages from the server already name the file; the ones made here do not.
        problems: entries
          .filter((e) => e.state !== 'clean')
          .map((e) => (e.message?.startsWith('Tệp "') ? e.message : `Tệp "${e.file.name}": ${e.message}`)),
      };
    },
    reset() {
      entries = [];
      render();
    },
  };
}
