/**
 * The citizen form: `POST /v1/cases`. Client checks mirror the API's rules so most mistakes are
 * caught before sending; the API's 422 `fields` are shown the same way. One Idempotency-Key per
 * form fill, reused on every retry, so a double click or a retry after a lost answer files once.
 */
import { attachmentPicker } from './citizen-attachments.js';
import {
  api,
  apiFieldErrors,
  characterCount,
  clean,
  DUE_LABELS,
  FieldErrors,
  failureMessage,
  fillReferencePickers,
  formatDate,
  formatDateTime,
  newKey,
  STATUS_LABELS,
} from './pakn.js';

const LIMITS = { title: 200, content: 10_000, name: 200, address: 500, organization: 200 };
const PHONE = /^(?:\+84|0)(?:[35789]\d{8}|2\d{9})$/;
const REF_CODE = /^[A-Za-z0-9._-]{1,40}$/;

/** API field name → the control that shows its error and the label used in the summary. */
const FIELDS = {
  kind: { id: 'kind', label: 'Loại' },
  title: { id: 'title', label: 'Tiêu đề' },
  content: { id: 'content', label: 'Nội dung' },
  categoryCode: { id: 'categoryCode', label: 'Lĩnh vực' },
  localityCode: { id: 'localityCode', label: 'Xã, phường' },
  procedureCode: { id: 'procedureCode', label: 'Mã thủ tục hành chính' },
  submitter: { id: 'name', label: 'Thông tin người gửi' },
  'submitter.name': { id: 'name', label: 'Họ và tên' },
  'submitter.organization': { id: 'organization', label: 'Tổ chức, doanh nghiệp' },
  'submitter.address': { id: 'address', label: 'Địa chỉ' },
  'submitter.phone': { id: 'phone', label: 'Số điện thoại' },
  'submitter.email': { id: 'email', label: 'Email' },
  consent: { id: 'consent', label: 'Đồng ý sử dụng thông tin' },
  attachments: { id: 'attachments', label: 'Tệp đính kèm' },
};

const $ = (id) => document.getElementById(id);
const form = $('pakn-form');
const errors = new FieldErrors($('error-summary'), FIELDS);
const submitButton = $('submit');
const status = $('submit-status');
const recount = [
  characterCount($('title'), $('title-count'), $('title-live'), LIMITS.title),
  characterCount($('content'), $('content-count'), $('content-live'), LIMITS.content),
];

const attachments = attachmentPicker({
  input: $('attachments'),
  list: $('attachments-list'),
  live: $('attachments-live'),
});

/** One key per form fill: kept across retries, replaced only when a new PAKN is started. */
let idempotencyKey = newKey();
let sending = false;
let communeLevel = new Set();

fillReferencePickers($).then(({ categories }) => {
  communeLevel = new Set(categories.filter((c) => c.communeLevel).map((c) => c.code));
});

$('categoryCode').addEventListener('change', () => {
  $('localityCode-hint').textContent = communeLevel.has($('categoryCode').value)
    ? 'Nên chọn: lĩnh vực này do UBND xã, phường giải quyết.'
    : 'Không bắt buộc.';
});

function readForm() {
  const value = (id) => clean($(id).value);
  const optional = (id) => value(id) || undefined;
  return {
    kind: form.elements.kind.value || undefined,
    title: value('title'),
    content: value('content'),
    categoryCode: optional('categoryCode'),
    procedureCode: optional('procedureCode'),
    localityCode: optional('localityCode'),
    submitter: {
      name: value('name'),
      address: value('address'),
      phone: optional('phone'),
      email: optional('email'),
      organization: optional('organization'),
    },
    consent: $('consent').checked,
    website: $('website').value || undefined,
  };
}

/** The API's rules, checked before sending; the API checks them again. */
function check(body) {
  const out = [];
  const need = (ok, field, message) => ok || out.push({ field, message });
  const sized = (v, field, label, max) => {
    if (!v) out.push({ field, message: `${label}: không được để trống.` });
    else if (v.length > max) out.push({ field, message: `${label}: tối đa ${max.toLocaleString('vi-VN')} ký tự.` });
  };
  need(body.kind, 'kind', 'Chọn phản ánh hoặc kiến nghị.');
  sized(body.title, 'title', 'Tiêu đề', LIMITS.title);
  sized(body.content, 'content', 'Nội dung', LIMITS.content);
  if (body.procedureCode)
    need(
      REF_CODE.test(body.procedureCode),
      'procedureCode',
      'Mã thủ tục chỉ gồm chữ không dấu, chữ số, dấu chấm, gạch ngang (tối đa 40 ký tự).',
    );
  const s = body.submitter;
  sized(s.name, 'submitter.name', 'Họ và tên', LIMITS.name);
  if (s.organization && s.organization.length > LIMITS.organization)
    out.push({ field: 'submitter.organization', message: `Tối đa ${LIMITS.organization} ký tự.` });
  sized(s.address, 'submitter.address', 'Địa chỉ', LIMITS.address);
  if (!s.phone && !s.email)
    out.push({ field: 'submitter.phone', message: 'Cần ít nhất số điện thoại hoặc email để cơ quan trả lời.' });
  if (s.phone)
    need(
      PHONE.test(s.phone.replace(/[\s.-]/g, '')),
      'submitter.phone',
      'Số điện thoại không hợp lệ (ví dụ: 0912345678 hoặc +84912345678).',
    );
  if (s.email) need(/^[^\s@]+@[^\s@]+$/.test(s.email), 'submitter.email', 'Địa chỉ email không hợp lệ.');
  need(body.consent, 'consent', 'Cần đồng ý cho cơ quan nhà nước sử dụng thông tin để xử lý phản ánh, kiến nghị.');
  return out;
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (sending) return;
  const body = readForm();
  const problems = check(body);
  if (problems.length) {
    errors.show(problems, 'Thông tin chưa đầy đủ hoặc chưa hợp lệ. Vui lòng sửa các mục dưới đây rồi gửi lại.');
    return;
  }
  errors.clear();
  sending = true;
  submitButton.disabled = true;
  status.textContent = 'Đang gửi…';
  try {
    const files = await attachments.settle();
    if (files.problems.length) {
      status.textContent = '';
      errors.show(
        [{ field: 'attachments', message: files.problems.join(' ') }],
        'Chưa gửi: có tệp đính kèm không được nhận. Vui lòng bỏ tệp đó (hoặc chọn tệp khác) rồi gửi lại.',
      );
      return;
    }
    if (files.ids.length) body.attachments = files.ids;
    let r = await post(body);
    if (r.status === 422 && r.json?.error?.code === 'idempotency_key_reused') {
      // The text was edited after an attempt whose answer was lost: this fill is a new PAKN now.
      idempotencyKey = newKey();
      r = await post(body);
    }
    status.textContent = '';
    if (r.status === 201 || r.status === 200) showSuccess(r.json, body);
    else if (r.status === 422 && fieldErrors(r).length)
      errors.show(
        fieldErrors(r),
        'Chưa tiếp nhận: thông tin chưa hợp lệ hoặc còn thiếu. Vui lòng sửa các mục dưới đây rồi gửi lại.',
      );
    else errors.showMessage(failureMessage(r));
  } finally {
    sending = false;
    submitButton.disabled = false;
  }
});

const post = (body) => api('/v1/cases', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } });

/** The API names each refused file under `attachments`: shown together beside the file picker. */
function fieldErrors(r) {
  const all = apiFieldErrors(r);
  const files = all.filter((f) => f.field.startsWith('attachments'));
  const rest = all.filter((f) => !f.field.startsWith('attachments'));
  return files.length ? [...rest, { field: 'attachments', message: files.map((f) => f.message).join(' ') }] : rest;
}

function showSuccess(result, body) {
  $('success-code').textContent = result.code;
  $('success-title-text').textContent = body.title;
  $('success-received').textContent = formatDateTime(result.receivedAt);
  $('success-status').textContent = STATUS_LABELS[result.status] ?? result.status;
  // Usually the classify deadline; an automatically forwarded PAKN already runs the agency's.
  const dueLabel = DUE_LABELS[result.status];
  $('success-due-row').hidden = !(dueLabel && result.dueAt);
  if (dueLabel) $('success-due-label').textContent = dueLabel;
  $('success-due').textContent = result.dueAt ? formatDate(result.dueAt) : '';
  $('success-mail').hidden = !body.submitter.email;
  $('success-track').href = `tra-cuu.html?ma=${encodeURIComponent(result.code)}`;
  $('form-view').hidden = true;
  $('success').hidden = false;
  $('success').focus();
  window.scrollTo(0, 0);
}

$('again').addEventListener('click', () => {
  form.reset();
  attachments.reset();
  for (const r of recount) r();
  idempotencyKey = newKey();
  $('success').hidden = true;
  $('form-view').hidden = false;
  form.elements.kind[0].focus();
});
