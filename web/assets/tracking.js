/**
 * The tracking page: `GET /v1/cases/{code}` (public view). The code comes from the field or from
 * `?ma=CODE`, the link in the acknowledgement mail.
 */
import {
  ACTION_LABELS,
  api,
  DUE_LABELS,
  failureMessage,
  formatDate,
  formatDateTime,
  h,
  KIND_LABELS,
  STATUS_LABELS,
} from './pakn.js';

const CODE = /^[A-Z]{2,5}-\d{2}-[2-9A-HJKMNP-TV-Z]{6}$/;

const $ = (id) => document.getElementById(id);
const input = $('ma');
const fieldError = $('ma-error');
const statusLine = $('lookup-status');
const result = $('result');

let categoryNames;
/** Category names for display; loaded once, on the first result. */
async function categoryName(code) {
  if (!code) return 'Chưa phân loại';
  if (!categoryNames) {
    const r = await api('/v1/categories');
    const list = r.status === 200 && Array.isArray(r.json?.categories) ? r.json.categories : [];
    categoryNames = new Map(list.map((c) => [c.code, c.name]));
  }
  return categoryNames.get(code) ?? code;
}

function setError(message) {
  if (message) {
    fieldError.replaceChildren(h('span', { className: 'visually-hidden' }, 'Lỗi: '), message);
    fieldError.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'ma-error ma-hint');
    input.closest('.field').classList.add('field--error');
  } else {
    fieldError.hidden = true;
    fieldError.replaceChildren();
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', 'ma-hint');
    input.closest('.field').classList.remove('field--error');
  }
}

/** People type codes in lower case, with spaces, or paste them with the mail's punctuation. */
const normalise = (s) =>
  s
    .normalize('NFC')
    .toUpperCase()
    .replace(/[\s.,;]+/g, '')
    .replace(/[‐‑–—]/g, '-');

async function lookup(raw, { focus }) {
  const code = normalise(raw);
  input.value = code;
  result.hidden = true;
  statusLine.textContent = '';
  if (!code) {
    setError('Nhập mã tra cứu.');
    if (focus) input.focus();
    return;
  }
  if (!CODE.test(code)) {
    setError('Mã tra cứu không đúng dạng. Mã gồm 3 phần cách nhau bởi dấu gạch ngang, ví dụ QNG-26-7KQ4MX.');
    if (focus) input.focus();
    return;
  }
  setError('');
  statusLine.textContent = 'Đang tra cứu…';
  const r = await api(`/v1/cases/${encodeURIComponent(code)}`);
  const url = new URL(window.location.href);
  url.searchParams.set('ma', code);
  history.replaceState(null, '', url);
  if (r.status === 200 && r.json) {
    await render(r.json);
    statusLine.textContent = `Đã tìm thấy phản ánh, kiến nghị mã ${code}.`;
    if (focus) result.focus();
    return;
  }
  statusLine.textContent = '';
  if (r.status === 404)
    setError(
      `Không tìm thấy phản ánh, kiến nghị có mã ${code}. Vui lòng kiểm tra lại mã trong thư xác nhận hoặc tin nhắn bạn nhận được khi gửi.`,
    );
  else setError(failureMessage(r));
  input.focus();
}

async function render(c) {
  $('result-code').textContent = c.code;
  $('result-status').textContent = STATUS_LABELS[c.status] ?? c.status;
  $('result-status').className = `badge badge--${c.status}`;
  $('result-overdue').hidden = !c.overdue;
  $('result-kind').textContent = KIND_LABELS[c.kind] ?? c.kind ?? '';
  $('result-category').textContent = await categoryName(c.categoryCode);
  $('result-agency').textContent = c.agency?.name ?? 'Chưa chuyển đến cơ quan xử lý';
  $('result-received').textContent = formatDateTime(c.receivedAt);
  const dueLabel = DUE_LABELS[c.status];
  $('result-due-row').hidden = !(dueLabel && c.dueAt);
  if (dueLabel && c.dueAt) {
    $('result-due-label').textContent = dueLabel;
    $('result-due').textContent = c.overdue ? `${formatDate(c.dueAt)} (đã quá hạn)` : formatDate(c.dueAt);
  }

  const answer = c.answer;
  $('answer').hidden = !answer?.text;
  if (answer?.text) {
    $('answer-date').textContent = answer.at ? `Ngày trả lời: ${formatDate(answer.at)}` : '';
    $('answer-text').textContent = answer.text;
  }

  const steps = Array.isArray(c.history) ? c.history : [];
  $('timeline').replaceChildren(
    ...steps.map((s) =>
      h(
        'li',
        {},
        h('time', { datetime: s.at }, formatDateTime(s.at)),
        ' ',
        h('span', {}, ACTION_LABELS[s.action] ?? 'Cập nhật xử lý'),
      ),
    ),
  );
  result.hidden = false;
}

$('lookup-form').addEventListener('submit', (e) => {
  e.preventDefault();
  lookup(input.value, { focus: true });
});

const fromUrl = new URLSearchParams(window.location.search).get('ma');
if (fromUrl) lookup(fromUrl, { focus: false });
