/**
 * The tracking page: `GET /v1/cases/{code}` (public view). The code comes from the field or from
 * `?ma=CODE`, the link in the acknowledgement mail. A resolved case offers the rating form
 * (`POST /v1/cases/{code}/rating`): with `?t=TOKEN` from the answer mail's link the sender is known;
 * otherwise they confirm the phone or email given at submission.
 */
import {
  ACTION_LABELS,
  api,
  apiFieldErrors,
  characterCount,
  DUE_LABELS,
  FieldErrors,
  failureMessage,
  formatDate,
  formatDateTime,
  h,
  KIND_LABELS,
  STATUS_LABELS,
} from './pakn.js';

const RATING_LABELS = {
  rat_hai_long: 'Rất hài lòng',
  hai_long: 'Hài lòng',
  binh_thuong: 'Bình thường',
  chua_hai_long: 'Chưa hài lòng',
};

const MAX_COMMENT = 2000;

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

/**
 * A published result document: its link lasts five minutes, so it is asked for on the click, not
 * when the page loads, and the browser downloads the file (the page stays).
 */
function documentButton(d) {
  const button = h(
    'button',
    { type: 'button', className: 'button button--secondary button--small' },
    'Tải về ',
    d.fileName,
  );
  button.addEventListener('click', async () => {
    const status = $('answer-documents-status');
    status.textContent = `Đang chuẩn bị tải ${d.fileName}…`;
    const r = await api(d.path);
    if (r.status === 200 && r.json?.url) {
      status.textContent = `Đang tải ${d.fileName}.`;
      window.location.assign(r.json.url);
    } else status.textContent = `Chưa tải được văn bản. ${failureMessage(r)}`;
  });
  return button;
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
  const documents = answer?.text && Array.isArray(c.resultDocuments) ? c.resultDocuments : [];
  $('answer-documents').hidden = documents.length === 0;
  $('answer-documents-status').textContent = '';
  $('answer-documents-list').replaceChildren(...documents.map((d) => h('li', {}, documentButton(d))));

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
  $('result-rating-row').hidden = !c.rating;
  $('result-rating').textContent = RATING_LABELS[c.rating] ?? '';
  renderRating(c);
  result.hidden = false;
}

// --- rating -------------------------------------------------------------------------------------

const ratingForm = $('rating-form');
const ratingErrors = new FieldErrors($('rating-errors'), {
  rating: { id: 'rating-level', label: 'Mức độ hài lòng' },
  unresolved: { id: 'rating-unresolved', label: 'Chưa được giải quyết' },
  comment: { id: 'rating-comment', label: 'Ý kiến' },
  contact: { id: 'rating-contact', label: 'Số điện thoại hoặc email' },
});
const updateCommentCount = characterCount(
  $('rating-comment'),
  $('rating-comment-count'),
  $('rating-comment-live'),
  MAX_COMMENT,
);
/** The case on screen. */
let shown;

/** The mail link's token, kept for this tab only (the address bar no longer shows it). */
const tokenKey = (code) => `pakn.rating.${code}`;
const linkToken = (code) => sessionStorage.getItem(tokenKey(code)) ?? undefined;

function showContactMode(useLink) {
  $('rating-via-link').hidden = !useLink;
  $('rating-contact-field').hidden = useLink;
}

/** The form for a resolved case; the thanks (or what the rating set off) stays after a reopen. */
function renderRating(c) {
  const changed = shown?.code !== c.code;
  shown = c;
  if (changed) {
    ratingForm.reset();
    updateCommentCount();
    ratingErrors.clear();
    $('rating-done').hidden = true;
    $('rating-status').textContent = '';
  }
  const open = c.status === 'resolved';
  ratingForm.hidden = !open;
  $('rating-intro').hidden = !open;
  $('rating').hidden = !open && $('rating-done').hidden;
  if (!open) return;
  showContactMode(Boolean(linkToken(c.code)));
  $('rating-submit').textContent = c.rating ? 'Thay đổi đánh giá' : 'Gửi đánh giá';
  if (changed && c.rating) {
    const current = $(`rating-${c.rating}`);
    if (current) current.checked = true;
    syncUnresolved();
  }
}

/** "Chưa được giải quyết" only goes with "Chưa hài lòng". */
function syncUnresolved() {
  const box = $('rating-unresolved');
  box.disabled = !$('rating-chua_hai_long').checked;
  if (box.disabled) box.checked = false;
}

const OUTCOME_MESSAGES = {
  recorded: (r) => `Cảm ơn Ông/Bà đã đánh giá: ${RATING_LABELS[r.rating]}.`,
  reopened: (r) =>
    `Cảm ơn Ông/Bà. Phản ánh, kiến nghị đã được chuyển lại để xem xét, xử lý lại${r.dueAt ? `; hạn trả lời mới: ${formatDate(r.dueAt)}` : ''}. Văn phòng UBND tỉnh đã được thông báo.`,
  escalated: () =>
    'Cảm ơn Ông/Bà. Ý kiến của Ông/Bà đã được chuyển Văn phòng UBND tỉnh xem xét, xử lý theo thẩm quyền.',
};

async function submitRating() {
  ratingErrors.clear();
  const c = shown;
  const level = ratingForm.elements.rating.value;
  const comment = $('rating-comment').value.normalize('NFC').trim();
  const token = linkToken(c.code);
  const contact = $('rating-contact').value.trim();
  const missing = [];
  if (!level) missing.push({ field: 'rating', message: 'Chọn mức độ hài lòng.' });
  if (!token && !contact)
    missing.push({ field: 'contact', message: 'Nhập số điện thoại hoặc email đã dùng khi gửi phản ánh, kiến nghị.' });
  if (comment.length > MAX_COMMENT) missing.push({ field: 'comment', message: `Tối đa ${MAX_COMMENT} ký tự.` });
  if (missing.length) {
    ratingErrors.show(missing, 'Vui lòng kiểm tra lại các mục sau.');
    return;
  }
  const body = {
    rating: level,
    ...(comment ? { comment } : {}),
    ...($('rating-unresolved').checked ? { unresolved: true } : {}),
    ...(token ? { token } : { contact }),
  };
  $('rating-submit').disabled = true;
  $('rating-status').textContent = 'Đang gửi đánh giá…';
  const r = await api(`/v1/cases/${encodeURIComponent(c.code)}/rating`, { method: 'POST', body });
  $('rating-submit').disabled = false;
  $('rating-status').textContent = '';
  if (r.status === 200 && r.json) {
    const done = $('rating-done');
    done.textContent = (OUTCOME_MESSAGES[r.json.outcome] ?? OUTCOME_MESSAGES.recorded)(r.json);
    done.hidden = false;
    const fresh = await api(`/v1/cases/${encodeURIComponent(c.code)}`);
    if (fresh.status === 200 && fresh.json) await render(fresh.json);
    return;
  }
  if (r.status === 401) {
    // The link is no good (expired, or not this case's): the sender can still prove it with their contact.
    sessionStorage.removeItem(tokenKey(c.code));
    showContactMode(false);
    ratingErrors.show(
      [{ field: 'contact', message: 'Nhập số điện thoại hoặc email đã dùng khi gửi phản ánh, kiến nghị.' }],
      'Liên kết đánh giá không hợp lệ hoặc đã hết hạn.',
    );
    return;
  }
  if (r.status === 422) {
    const fields = apiFieldErrors(r);
    if (fields.length) {
      ratingErrors.show(fields, 'Vui lòng kiểm tra lại các mục sau.');
      return;
    }
  }
  if (r.status === 403) {
    ratingErrors.show(
      [{ field: 'contact', message: r.json?.error?.message ?? 'Thông tin liên hệ không khớp.' }],
      'Chưa xác nhận được Ông/Bà là người gửi.',
    );
    return;
  }
  ratingErrors.showMessage(failureMessage(r));
}

for (const radio of ratingForm.querySelectorAll('input[name="rating"]'))
  radio.addEventListener('change', syncUnresolved);
$('rating-use-contact').addEventListener('click', () => {
  sessionStorage.removeItem(tokenKey(shown.code));
  showContactMode(false);
  $('rating-contact').focus();
});
ratingForm.addEventListener('submit', (e) => {
  e.preventDefault();
  submitRating();
});

$('lookup-form').addEventListener('submit', (e) => {
  e.preventDefault();
  lookup(input.value, { focus: true });
});

const params = new URLSearchParams(window.location.search);
const fromUrl = params.get('ma');
if (fromUrl && params.get('t')) {
  // Kept for this tab and taken out of the address bar, so a copied tracking link never carries it.
  sessionStorage.setItem(tokenKey(normalise(fromUrl)), params.get('t'));
  const url = new URL(window.location.href);
  url.searchParams.delete('t');
  history.replaceState(null, '', url);
}
if (fromUrl) lookup(fromUrl, { focus: false });
