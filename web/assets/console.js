/**
 * The staff console: an agency officer's queue (sorted by due date, overdue highlighted) with
 * accept / return / extension / resolve, and VPUB's triage queue (with the routing suggestion and
 * its score) with classify / reject / merge / extension decision / reassign. Every write sends
 * `If-Match` with the version on screen, so a case changed meanwhile is reloaded, never
 * overwritten. Local sign-in mints a token with `POST /dev/token`; it lives in sessionStorage.
 * Data is shown with `textContent` only; no HTML is built from data.
 */
import { attachmentPicker } from './citizen-attachments.js';
import {
  ACTION_LABELS,
  api,
  clean,
  failureMessage,
  fillSelect,
  formatDateTime,
  h,
  KIND_LABELS,
  STATUS_LABELS,
} from './pakn.js';

const SESSION_KEY = 'pakn.console.session';

/**
 * Steps staff see besides the public ones. Every action the server writes must have a label here
 * or in ACTION_LABELS (test/unit/web/labels.test.ts).
 */
const HISTORY_LABELS = {
  ...ACTION_LABELS,
  out_of_scope_flagged: 'Đánh dấu ngoài phạm vi xử lý phản ánh, kiến nghị',
  possible_duplicate_flagged: 'Đánh dấu có thể trùng nội dung',
  duplicate_linked: 'Liên kết phản ánh, kiến nghị trùng nội dung',
  extension_requested: 'Cơ quan đề nghị gia hạn',
  reassigned: 'Văn phòng UBND tỉnh chuyển cơ quan khác',
  transferred: 'Chuyển cơ quan kế nhiệm do sắp xếp tổ chức',
  chased: 'Văn phòng UBND tỉnh đôn đốc',
  escalated: 'Nhắc hạn, đôn đốc theo mức (sắp đến hạn hoặc quá hạn)',
  escalation_sent: 'Gửi thư nhắc hạn, đôn đốc',
  escalation_failed: 'Gửi thư nhắc hạn không thành công',
  escalation_cancelled: 'Hủy thư nhắc hạn chưa gửi (bước xử lý hoặc thời hạn đã thay đổi)',
  mail_sent: 'Đã gửi thư cho người gửi',
  mail_failed: 'Gửi thư cho người gửi không thành công',
  attachments_received: 'Nhận tệp đính kèm từ Hệ thống PAKN quốc gia',
  attachments_deleted: 'Xóa tệp đính kèm theo thời hạn lưu trữ',
  vpcp_result_pushed: 'Đã gửi kết quả về Hệ thống PAKN quốc gia',
  vpcp_push_failed: 'Gửi kết quả về Hệ thống PAKN quốc gia chưa thành công',
};

const FLAG_LABELS = {
  out_of_scope: 'Ngoài phạm vi (khiếu nại, tố cáo, tranh chấp)',
  repeat: 'Gửi lại sau khi đã có kết quả',
  returned_twice: 'Đã bị trả lại 2 lần',
  possible_duplicate: 'Có thể trùng nội dung',
  resolved_on_call: 'Đã trả lời qua tổng đài',
};

const CHANNEL_LABELS = {
  web: 'Cổng thông tin',
  hotline: 'Tổng đài',
  vpcp: 'Hệ thống quốc gia',
  letter: 'Thư',
  email: 'Thư điện tử',
};
const CONTENT_TYPE_LABELS = { hanh_vi: 'Hành vi hành chính', quy_dinh: 'Quy định hành chính' };
const EXTENSION_LABELS = { requested: 'Chờ quyết định', approved: 'Đã đồng ý', denied: 'Không đồng ý' };

/** Which forms each role sees in each status. */
const FORMS = {
  officer: { assigned: ['f-accept', 'f-return'], in_progress: ['f-resolve', 'f-extension', 'f-return'] },
  coordinator: {
    received: ['f-classify', 'f-merge', 'f-reject'],
    assigned: ['f-reassign'],
    in_progress: ['f-decision', 'f-reassign'],
  },
};

const SUCCESS = {
  accept: 'Đã nhận xử lý.',
  return: 'Đã trả lại Văn phòng UBND tỉnh.',
  extension: 'Đã gửi đề nghị gia hạn.',
  resolve: 'Đã gửi kết quả xử lý.',
  classify: 'Đã phân loại và chuyển cơ quan xử lý.',
  reject: 'Đã ghi không tiếp nhận; người gửi được thông báo.',
  merge: 'Đã gộp vào phản ánh, kiến nghị gốc.',
  reassign: 'Đã chuyển cơ quan khác.',
  'extension/decision': 'Đã ghi quyết định gia hạn.',
};

const $ = (id) => document.getElementById(id);
const ref = { categories: [], agencies: [] };
/** Result documents for the answer: uploaded and checked as the citizen form does, sent by upload id. */
const resultFiles = attachmentPicker({
  input: $('resolve-files'),
  list: $('resolve-files-list'),
  live: $('resolve-files-live'),
});
/** The case on screen (full view), or undefined. */
let current;
let busy = false;

// --- session -------------------------------------------------------------------------------------

function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

function showSession() {
  const s = session();
  $('sign-in').hidden = Boolean(s);
  $('workspace').hidden = !s;
  $('session').hidden = !s;
  if (!s) {
    $('page-title').textContent = 'Bàn làm việc cán bộ';
    return undefined;
  }
  const who = s.name || 'cán bộ';
  $('session-name').textContent =
    s.role === 'officer' ? `${who} — ${agencyName(s.agencyId)}` : `${who} — Văn phòng UBND tỉnh`;
  $('page-title').textContent =
    s.role === 'officer' ? `Hàng đợi xử lý: ${agencyName(s.agencyId)}` : 'Phân loại, điều phối phản ánh, kiến nghị';
  return s;
}

function signOut(message) {
  sessionStorage.removeItem(SESSION_KEY);
  closeDetail();
  showSession();
  $('sign-in-status').textContent = message ?? '';
  $('role-officer').focus();
}

function syncAgencyField() {
  $('agency-field').hidden = !$('role-officer').checked;
}

$('role-officer').addEventListener('change', syncAgencyField);
$('role-coordinator').addEventListener('change', syncAgencyField);

$('sign-in-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const role = $('role-officer').checked ? 'officer' : 'coordinator';
  const agencyId = role === 'officer' ? $('sign-in-agency').value : '';
  const error = $('sign-in-agency-error');
  if (role === 'officer' && !agencyId) {
    error.textContent = 'Chọn cơ quan của bạn.';
    error.hidden = false;
    $('sign-in-agency').setAttribute('aria-invalid', 'true');
    $('sign-in-agency').setAttribute('aria-describedby', 'sign-in-agency-error');
    $('sign-in-agency').focus();
    return;
  }
  error.hidden = true;
  $('sign-in-agency').removeAttribute('aria-invalid');
  $('sign-in-agency').removeAttribute('aria-describedby');
  const name = clean($('sign-in-name').value);
  $('sign-in-status').textContent = 'Đang đăng nhập…';
  const r = await api('/dev/token', {
    method: 'POST',
    body: { role, ...(agencyId ? { agencyId } : {}), ...(name ? { name } : {}) },
  });
  if (r.status !== 200 || typeof r.json?.token !== 'string') {
    $('sign-in-status').textContent =
      r.status === 404
        ? 'Đăng nhập cục bộ chỉ có trong môi trường thử nghiệm.'
        : `Không đăng nhập được. ${failureMessage(r)}`;
    return;
  }
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: r.json.token, role, agencyId, name }));
  $('sign-in-status').textContent = '';
  showSession();
  await loadQueue();
  $('main').focus();
});

$('sign-out').addEventListener('click', () => signOut());

/** Every authenticated call; a 401 (token expired) ends the session. */
async function call(path, options = {}) {
  const s = session();
  const r = await api(path, { ...options, token: s?.token });
  if (r.status === 401) signOut('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.');
  return r;
}

// --- reference data ------------------------------------------------------------------------------

const categoryName = (code) => ref.categories.find((c) => c.code === code)?.name ?? code ?? '';
const agencyName = (id) => ref.agencies.find((a) => a.id === id)?.name ?? id ?? '';

async function loadReference() {
  const [cats, ags] = await Promise.all([api('/v1/categories'), api('/v1/agencies')]);
  ref.categories = cats.status === 200 ? (cats.json?.categories ?? []) : [];
  ref.agencies = ags.status === 200 ? (ags.json?.agencies ?? []) : [];
  const handling = ref.agencies.filter((a) => a.id !== 'UBND-TINH');
  const agencyOptions = handling.map((a) => ({ value: a.id, label: a.name }));
  fillSelect($('sign-in-agency'), agencyOptions);
  fillSelect($('classify-agency'), agencyOptions);
  fillSelect($('reassign-agency'), agencyOptions);
  fillSelect(
    $('classify-category'),
    ref.categories.map((c) => ({ value: c.code, label: c.name })),
  );
}

// --- queues --------------------------------------------------------------------------------------

/** Earliest deadline first; cases with no running deadline last. */
const byDue = (a, b) => (a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff');

function openButton(c) {
  return h(
    'button',
    { type: 'button', className: 'link-button', 'data-code': c.code, 'aria-label': `Mở hồ sơ ${c.code}` },
    c.code,
  );
}

function dueCell(c) {
  if (!c.dueAt) return h('td', {}, '—');
  return h(
    'td',
    {},
    h('time', { datetime: c.dueAt }, formatDateTime(c.dueAt)),
    c.overdue ? h('span', { className: 'badge badge--overdue badge--small' }, 'Quá hạn') : '',
  );
}

function table(caption, headers, rows) {
  return h(
    'table',
    { className: 'queue' },
    h('caption', { className: 'visually-hidden' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

async function loadQueue() {
  const s = session();
  if (!s) return;
  $('queue-status').textContent = 'Đang tải…';
  if (s.role === 'officer') await loadAgencyQueue();
  else await loadTriageQueue();
}

async function loadAgencyQueue() {
  $('queue-title').textContent = 'Hồ sơ cần xử lý';
  $('queue-hint').textContent = 'Xếp theo hạn, hồ sơ sắp đến hạn ở trên; hồ sơ quá hạn được tô đỏ.';
  $('extensions').hidden = true;
  const pages = await Promise.all(['assigned', 'in_progress'].map((st) => call(`/v1/agency/cases?status=${st}`)));
  const failed = pages.find((r) => r.status !== 200);
  if (failed) {
    $('queue-status').textContent = failureMessage(failed);
    return;
  }
  const cases = pages.flatMap((r) => r.json.items).sort(byDue);
  const rows = cases.map((c) =>
    h(
      'tr',
      { className: c.overdue ? 'row--overdue' : undefined, 'data-code': c.code },
      h('th', { scope: 'row' }, openButton(c)),
      h('td', {}, c.title),
      h('td', {}, STATUS_LABELS[c.status] ?? c.status, c.priority === 'khan' ? h('strong', {}, ' · Khẩn') : ''),
      dueCell(c),
    ),
  );
  $('queue-table-wrap').replaceChildren(
    cases.length
      ? table('Hồ sơ cần xử lý, xếp theo hạn', ['Mã', 'Tiêu đề', 'Trạng thái', 'Hạn'], rows)
      : h('p', {}, 'Không có hồ sơ nào đang chờ xử lý.'),
  );
  $('queue-status').textContent = `${cases.length} hồ sơ, ${cases.filter((c) => c.overdue).length} quá hạn.`;
}

function suggestionText(sg) {
  if (!sg) return 'Chưa có gợi ý';
  const agency = sg.agencyId ? ` → ${agencyName(sg.agencyId)}` : '';
  return `${categoryName(sg.categoryCode)}${agency} (điểm ${Math.round(sg.score * 100)}%)`;
}

async function loadTriageQueue() {
  $('queue-title').textContent = 'Chờ phân loại';
  $('queue-hint').textContent =
    'Phản ánh, kiến nghị chưa chuyển được tự động (không có lĩnh vực, gợi ý chưa đủ tin cậy, bị trả lại, ngoài phạm vi).';
  const [triage, running] = await Promise.all([
    call('/v1/cases?status=received&limit=100'),
    call('/v1/cases?status=in_progress&limit=100'),
  ]);
  if (triage.status !== 200) {
    $('queue-status').textContent = failureMessage(triage);
    return;
  }
  const cases = triage.json.items.sort(byDue);
  const rows = cases.map((c) =>
    h(
      'tr',
      { className: c.overdue ? 'row--overdue' : undefined, 'data-code': c.code },
      h('th', { scope: 'row' }, openButton(c)),
      h('td', {}, c.title),
      h('td', {}, CHANNEL_LABELS[c.channel] ?? c.channel),
      h('td', {}, suggestionText(c.suggestion)),
      h(
        'td',
        {},
        (c.flags ?? []).map((f) => h('span', { className: 'flag' }, FLAG_LABELS[f] ?? f)),
      ),
      dueCell(c),
    ),
  );
  $('queue-table-wrap').replaceChildren(
    cases.length
      ? table(
          'Phản ánh, kiến nghị chờ phân loại, xếp theo hạn',
          ['Mã', 'Tiêu đề', 'Kênh', 'Gợi ý lĩnh vực, cơ quan', 'Lưu ý', 'Hạn phân loại'],
          rows,
        )
      : h('p', {}, 'Không có phản ánh, kiến nghị nào chờ phân loại.'),
  );
  $('queue-status').textContent = `${cases.length} chờ phân loại, ${cases.filter((c) => c.overdue).length} quá hạn.`;

  const pending = running.status === 200 ? running.json.items.filter((c) => c.extension?.status === 'requested') : [];
  $('extensions').hidden = pending.length === 0;
  $('extensions-table-wrap').replaceChildren(
    table(
      'Đề nghị gia hạn chờ quyết định',
      ['Mã', 'Tiêu đề', 'Cơ quan', 'Số ngày đề nghị', 'Hạn hiện tại'],
      pending
        .sort(byDue)
        .map((c) =>
          h(
            'tr',
            { 'data-code': c.code },
            h('th', { scope: 'row' }, openButton(c)),
            h('td', {}, c.title),
            h('td', {}, agencyName(c.agencyId)),
            h('td', {}, String(c.extension.workingDays)),
            dueCell(c),
          ),
        ),
    ),
  );
}

$('reload').addEventListener('click', () => loadQueue());

$('workspace').addEventListener('click', (e) => {
  const button = e.target.closest('button[data-code]');
  if (button) openCase(button.dataset.code);
});

$('open-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const code = clean($('open-code').value).toUpperCase();
  if (code) openCase(code);
});

// --- case detail ---------------------------------------------------------------------------------

function closeDetail() {
  current = undefined;
  $('detail').hidden = true;
}

$('close-detail').addEventListener('click', () => {
  closeDetail();
  $('queue-title').focus();
});

async function openCase(code) {
  $('action-status').textContent = '';
  hideError();
  const r = await call(`/v1/cases/${encodeURIComponent(code)}`);
  if (r.status !== 200) {
    $('queue-status').textContent =
      r.status === 404
        ? `Không tìm thấy hồ sơ ${code}.`
        : r.status === 403
          ? `Hồ sơ ${code} không thuộc phạm vi của bạn.`
          : failureMessage(r);
    return;
  }
  render(r.json);
  $('detail').hidden = false;
  $('detail').focus();
}

function facts(dl, pairs) {
  dl.replaceChildren(
    ...pairs
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
  );
}

function render(c) {
  current = c;
  $('d-code').textContent = c.code;
  $('d-status').textContent = STATUS_LABELS[c.status] ?? c.status;
  $('d-overdue').hidden = !c.overdue;
  $('d-flags').replaceChildren(...(c.flags ?? []).map((f) => h('li', { className: 'flag' }, FLAG_LABELS[f] ?? f)));
  facts($('d-facts'), [
    ['Loại', KIND_LABELS[c.kind] ?? c.kind],
    ['Nội dung về', CONTENT_TYPE_LABELS[c.contentType]],
    ['Lĩnh vực', categoryName(c.categoryCode)],
    ['Mã thủ tục hành chính', c.procedureCode],
    ['Cơ quan xử lý', c.agencyId ? agencyName(c.agencyId) : 'Chưa chuyển'],
    ['Độ khẩn', c.priority === 'khan' ? 'Khẩn' : 'Thường'],
    ['Kênh', CHANNEL_LABELS[c.channel] ?? c.channel],
    ['Ngày tiếp nhận', formatDateTime(c.receivedAt)],
    ['Hạn bước hiện tại', c.dueAt ? formatDateTime(c.dueAt) : undefined],
    ['Trùng với', c.duplicateOf],
    ['Hồ sơ trùng đã gộp', (c.duplicates ?? []).join(', ')],
  ]);
  $('d-title').textContent = c.title;
  $('d-content').textContent = c.content;
  facts($('d-submitter'), [
    ['Họ và tên', c.submitter?.name],
    ['Tổ chức', c.submitter?.organization],
    ['Địa chỉ', c.submitter?.address],
    ['Điện thoại', c.submitter?.phone],
    ['Thư điện tử', c.submitter?.email],
  ]);

  const sg = $('d-suggestion');
  sg.hidden = !(c.suggestion && c.status === 'received');
  sg.replaceChildren(h('h3', {}, 'Gợi ý phân loại'), h('p', {}, suggestionText(c.suggestion)));

  const ext = $('d-extension');
  ext.hidden = !c.extension;
  if (c.extension) {
    ext.replaceChildren(
      h('h3', {}, 'Gia hạn'),
      h(
        'p',
        {},
        `${c.extension.workingDays} ngày làm việc — ${EXTENSION_LABELS[c.extension.status] ?? c.extension.status}. Lý do: `,
        c.extension.reason,
      ),
    );
  }
  $('d-answer').hidden = !c.answer;
  if (c.answer) {
    $('d-answer-meta').textContent =
      `${formatDateTime(c.answer.at)} · ${c.published ? 'Đã công khai' : 'Không công khai'}`;
    $('d-answer-text').textContent = c.answer.text;
  }
  $('d-internal').hidden = !c.internalNotes;
  $('d-internal-text').textContent = c.internalNotes ?? '';

  $('d-history').replaceChildren(
    ...[...(c.history ?? [])]
      .reverse()
      .map((e) =>
        h(
          'li',
          {},
          h('time', { datetime: e.at }, formatDateTime(e.at)),
          h('span', {}, HISTORY_LABELS[e.action] ?? e.action),
          e.note ? h('span', { className: 'history__note' }, e.note) : '',
        ),
      ),
  );
  showForms(c);
}

function showForms(c) {
  const s = session();
  let visible = FORMS[s?.role]?.[c.status] ?? [];
  if (s?.role === 'officer' && c.agencyId !== s.agencyId) visible = [];
  if (c.extension) visible = visible.filter((id) => id !== 'f-extension');
  if (c.extension?.status !== 'requested') visible = visible.filter((id) => id !== 'f-decision');
  for (const form of document.querySelectorAll('form.action')) {
    form.hidden = !visible.includes(form.id);
    form.reset();
  }
  resultFiles.reset();
  $('no-action').hidden = visible.length > 0;
  if (visible.includes('f-classify')) {
    $('classify-kind').value = c.kind ?? 'phan_anh';
    $('classify-content-type').value = c.contentType ?? 'hanh_vi';
    $('classify-priority').value = c.priority ?? 'normal';
    $('classify-category').value = c.categoryCode ?? c.suggestion?.categoryCode ?? '';
    $('classify-agency').value = c.categoryCode ? '' : (c.suggestion?.agencyId ?? '');
  }
}

// --- actions -------------------------------------------------------------------------------------

function hideError() {
  $('action-error').hidden = true;
  $('action-error').replaceChildren();
}

function showError(message, fields = []) {
  $('action-error').replaceChildren(
    h('p', {}, message),
    fields.length
      ? h(
          'ul',
          {},
          fields.map((f) => h('li', {}, f.message)),
        )
      : '',
  );
  $('action-error').hidden = false;
}

/** The request body of an action form, typed as the API wants it. */
function bodyOf(form) {
  const data = new FormData(form);
  const text = (name) => clean(data.get(name));
  const optional = (name) => text(name) || undefined;
  const days = (name) => (text(name) ? Number(text(name)) : undefined);
  switch (form.dataset.action) {
    case 'resolve':
      return { answer: text('answer'), publish: form.elements.publish.checked, internalNote: optional('internalNote') };
    case 'extension':
      return { workingDays: days('workingDays'), reason: text('reason') };
    case 'return':
    case 'reject':
      return { reason: text('reason') };
    case 'classify':
      return {
        kind: text('kind'),
        contentType: text('contentType'),
        categoryCode: text('categoryCode'),
        agencyId: optional('agencyId'),
        priority: text('priority'),
      };
    case 'extension/decision':
      return { approve: data.get('approve') === 'true', workingDays: days('workingDays'), note: optional('note') };
    case 'reassign':
      return { agencyId: text('agencyId'), reason: text('reason') };
    case 'merge':
      return { intoCode: text('intoCode').toUpperCase() };
    default:
      return {};
  }
}

/** The fields a form needs before it is sent, as the API would name them. */
function missing(form, body) {
  const required = [...form.querySelectorAll('[required]')];
  return required
    .filter((el) => body[el.name] === undefined || body[el.name] === '')
    .map((el) => ({
      field: el.name,
      message: `${form.querySelector(`label[for="${el.id}"]`)?.firstChild?.textContent?.trim()}: bắt buộc.`,
    }));
}

async function submitAction(form) {
  if (busy || !current) return;
  const action = form.dataset.action;
  const body = bodyOf(form);
  const gaps = missing(form, body);
  hideError();
  if (gaps.length) {
    showError('Chưa gửi được: còn thiếu thông tin.', gaps);
    form.querySelector('[required]')?.focus();
    return;
  }
  busy = true;
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  $('action-status').textContent = 'Đang gửi…';
  try {
    if (action === 'resolve') {
      // Files still uploading are waited for; a refused one stops the answer, so none goes out unnoticed.
      const files = await resultFiles.settle();
      if (files.problems.length) {
        $('action-status').textContent = '';
        showError(
          'Chưa gửi được: có văn bản kết quả không được nhận. Bỏ tệp đó rồi gửi lại.',
          files.problems.map((message) => ({ message })),
        );
        return;
      }
      if (files.ids.length) body.attachments = files.ids;
    }
    const r = await call(`/v1/cases/${encodeURIComponent(current.code)}/${action}`, {
      method: 'POST',
      body,
      headers: { 'If-Match': `"${current.version}"` },
    });
    $('action-status').textContent = '';
    if (r.status === 200) {
      const s = session();
      const stillMine = s.role !== 'officer' || r.json.agencyId === s.agencyId;
      await loadQueue();
      if (stillMine) {
        render(r.json);
        $('action-status').textContent =
          `${SUCCESS[action] ?? 'Đã cập nhật.'} Hồ sơ ${r.json.code}: ${STATUS_LABELS[r.json.status]}.`;
        $('detail').focus();
      } else {
        closeDetail();
        $('queue-status').textContent =
          `${SUCCESS[action] ?? 'Đã cập nhật.'} Hồ sơ ${r.json.code} đã rời hàng đợi của cơ quan.`;
        $('queue-title').focus();
      }
      return;
    }
    if (r.status === 412) {
      await openCase(current.code);
      showError(
        'Hồ sơ vừa được người khác cập nhật. Đã tải lại nội dung mới nhất; vui lòng kiểm tra rồi thực hiện lại.',
      );
      return;
    }
    if (r.status === 422) {
      showError(r.json?.error?.message ?? 'Thông tin chưa hợp lệ.', r.json?.error?.fields ?? []);
      return;
    }
    if (r.status !== 401) showError(failureMessage(r));
  } finally {
    busy = false;
    button.disabled = false;
  }
}

for (const form of document.querySelectorAll('form.action')) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submitAction(form);
  });
}

// --- start ---------------------------------------------------------------------------------------

syncAgencyField();
loadReference().then(() => {
  if (!showSession()) return;
  loadQueue();
  // Escalation mails link here with ?ma=CODE: open that case straight away.
  const linked = new URLSearchParams(location.search).get('ma');
  if (linked) openCase(linked.trim().toUpperCase());
});
