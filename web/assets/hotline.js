/**
 * The operator page: `POST /v1/hotline/calls`, keyboard-first. Ctrl+Enter saves from any field;
 * after a save the code is announced and the form is ready for the next call. A call answered on
 * the line goes on to the caller's rating (`POST /v1/hotline/calls/{code}/rating`): focus lands on
 * the four levels, 1–4 or the arrows pick one, Ctrl+Enter saves, Esc skips to the next call.
 * Local sign-in mints an operator token with `POST /dev/token`; it lives in sessionStorage (gone
 * when the tab closes).
 */
import {
  api,
  apiFieldErrors,
  characterCount,
  clean,
  FieldErrors,
  failureMessage,
  fillReferencePickers,
  formatDateTime,
  h,
  newKey,
  vnLocalInput,
} from './pakn.js';

const TOKEN_KEY = 'pakn.operator.token';
const NAME_KEY = 'pakn.operator.name';
const LIMITS = { title: 200, content: 10_000, name: 200, address: 500, answer: 10_000 };
const PHONE = /^(?:\+84|0)(?:[35789]\d{8}|2\d{9})$/;
/** The API accepts a call time up to 5 minutes ahead (clock skew); so do we. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const FIELDS = {
  calledAt: { id: 'calledAt', label: 'Thời điểm cuộc gọi' },
  caller: { id: 'caller-name', label: 'Người gọi' },
  'caller.name': { id: 'caller-name', label: 'Họ và tên người gọi' },
  'caller.phone': { id: 'caller-phone', label: 'Số điện thoại' },
  'caller.address': { id: 'caller-address', label: 'Địa chỉ' },
  content: { id: 'content', label: 'Nội dung cuộc gọi' },
  title: { id: 'title', label: 'Tiêu đề' },
  kind: { id: 'kind', label: 'Loại' },
  categoryCode: { id: 'categoryCode', label: 'Lĩnh vực' },
  localityCode: { id: 'localityCode', label: 'Xã, phường' },
  resolvedOnCall: { id: 'answer', label: 'Nội dung đã trả lời' },
  'resolvedOnCall.answer': { id: 'answer', label: 'Nội dung đã trả lời' },
};

const $ = (id) => document.getElementById(id);
const form = $('call-form');
const errors = new FieldErrors($('error-summary'), FIELDS);
const status = $('submit-status');
const recount = [
  characterCount($('content'), $('content-count'), $('content-live'), LIMITS.content),
  characterCount($('title'), $('title-count'), $('title-live'), LIMITS.title),
];

/** One key per call sheet: a retry after a lost answer never logs the call twice. */
let idempotencyKey = newKey();
let sending = false;

function showSession() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  $('sign-in').hidden = Boolean(token);
  $('workspace').hidden = !token;
  $('session').hidden = !token;
  $('session-name').textContent = token ? `Tổng đài viên: ${sessionStorage.getItem(NAME_KEY) || 'cục bộ'}` : '';
  return token;
}

$('sign-in-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = clean($('operator-name').value);
  $('sign-in-status').textContent = 'Đang đăng nhập…';
  const r = await api('/dev/token', { method: 'POST', body: { role: 'operator', ...(name ? { name } : {}) } });
  if (r.status !== 200 || typeof r.json?.token !== 'string') {
    $('sign-in-status').textContent =
      r.status === 404
        ? 'Đăng nhập cục bộ chỉ có trong môi trường thử nghiệm.'
        : `Không đăng nhập được. ${failureMessage(r)}`;
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, r.json.token);
  sessionStorage.setItem(NAME_KEY, name);
  $('sign-in-status').textContent = '';
  showSession();
  $('calledAt').value = vnLocalInput(new Date());
  $('caller-name').focus();
});

$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(NAME_KEY);
  showSession();
  $('operator-name').focus();
});

fillReferencePickers($);

$('resolved').addEventListener('change', () => {
  $('answer-field').hidden = !$('resolved').checked;
  $('answer').required = $('resolved').checked;
});

/** `2026-02-13T09:00` typed in Vietnam time → `2026-02-13T09:00:00+07:00`. */
function calledAtIso(value) {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return `${value}:00+07:00`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/.test(value)) return `${value}+07:00`;
  return undefined;
}

function readForm() {
  const value = (id) => clean($(id).value);
  const optional = (id) => value(id) || undefined;
  const address = optional('caller-address');
  const answer = value('answer');
  return {
    calledAt: calledAtIso($('calledAt').value),
    caller: { name: value('caller-name'), phone: value('caller-phone'), ...(address ? { address } : {}) },
    content: value('content'),
    title: optional('title'),
    kind: optional('kind'),
    categoryCode: optional('categoryCode'),
    localityCode: optional('localityCode'),
    resolvedOnCall: $('resolved').checked ? { answer } : undefined,
  };
}

function check(body) {
  const out = [];
  const sized = (v, field, label, max, required = true) => {
    if (!v) {
      if (required) out.push({ field, message: `${label}: không được để trống.` });
    } else if (v.length > max) out.push({ field, message: `${label}: tối đa ${max.toLocaleString('vi-VN')} ký tự.` });
  };
  if (!body.calledAt) out.push({ field: 'calledAt', message: 'Nhập ngày và giờ của cuộc gọi.' });
  else if (Date.parse(body.calledAt) > Date.now() + FUTURE_TOLERANCE_MS)
    out.push({ field: 'calledAt', message: 'Thời điểm cuộc gọi không thể ở tương lai.' });
  sized(body.caller.name, 'caller.name', 'Họ và tên người gọi', LIMITS.name);
  if (!body.caller.phone) out.push({ field: 'caller.phone', message: 'Số điện thoại: không được để trống.' });
  else if (!PHONE.test(body.caller.phone.replace(/[\s.-]/g, '')))
    out.push({ field: 'caller.phone', message: 'Số điện thoại không hợp lệ (ví dụ: 0912345678).' });
  sized(body.caller.address, 'caller.address', 'Địa chỉ', LIMITS.address, false);
  sized(body.content, 'content', 'Nội dung cuộc gọi', LIMITS.content);
  sized(body.title, 'title', 'Tiêu đề', LIMITS.title, false);
  if (body.resolvedOnCall)
    sized(body.resolvedOnCall.answer, 'resolvedOnCall.answer', 'Nội dung đã trả lời', LIMITS.answer);
  return out;
}

async function save() {
  if (sending) return;
  const body = readForm();
  const problems = check(body);
  if (problems.length) {
    errors.show(problems, 'Phiếu ghi cuộc gọi còn thiếu hoặc chưa hợp lệ. Sửa các mục dưới đây rồi lưu lại.');
    return;
  }
  errors.clear();
  const token = sessionStorage.getItem(TOKEN_KEY);
  sending = true;
  $('submit').disabled = true;
  status.textContent = 'Đang lưu…';
  try {
    const r = await api('/v1/hotline/calls', {
      method: 'POST',
      body,
      token,
      headers: { 'Idempotency-Key': idempotencyKey },
    });
    status.textContent = '';
    if (r.status === 201 || r.status === 200) return saved(r.json, body);
    if (r.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showSession();
      $('sign-in-status').textContent =
        'Phiên đăng nhập đã hết hạn. Đăng nhập lại để lưu cuộc gọi; nội dung đã nhập vẫn được giữ.';
      $('operator-name').focus();
      return;
    }
    if (r.status === 422 && apiFieldErrors(r).length)
      return errors.show(apiFieldErrors(r), 'Chưa lưu được: thông tin chưa hợp lệ. Sửa các mục dưới đây rồi lưu lại.');
    errors.showMessage(failureMessage(r));
  } finally {
    sending = false;
    $('submit').disabled = false;
  }
}

function saved(result, body) {
  $('saved').replaceChildren(
    h(
      'p',
      {},
      'Đã lưu cuộc gọi. Mã phản ánh, kiến nghị: ',
      h('strong', { className: 'code code--inline' }, result.code),
    ),
  );
  $('logged-empty').hidden = true;
  $('logged').prepend(
    h(
      'li',
      { 'data-code': result.code },
      h('a', { href: `tra-cuu.html?ma=${encodeURIComponent(result.code)}` }, result.code),
      ` — ${body.caller.name}, cuộc gọi lúc ${formatDateTime(body.calledAt)}`,
      body.resolvedOnCall ? ' (đã trả lời ngay)' : '',
      h('span', { className: 'logged__rating' }),
      body.resolvedOnCall ? [' ', rateButton(result.code)] : '',
    ),
  );
  form.reset();
  for (const r of recount) r();
  $('answer-field').hidden = true;
  $('calledAt').value = vnLocalInput(new Date());
  idempotencyKey = newKey();
  // Answered on the line: the caller is still there to say how satisfied they are.
  if (body.resolvedOnCall) openRating(result.code);
  else {
    hideRating();
    $('caller-name').focus();
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  save();
});

form.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    save();
  }
});

// --- the caller's rating --------------------------------------------------------------------------

const RATING_LABELS = {
  rat_hai_long: 'Rất hài lòng',
  hai_long: 'Hài lòng',
  binh_thuong: 'Bình thường',
  chua_hai_long: 'Chưa hài lòng',
};
const MAX_COMMENT = 2000;

const ratingForm = $('rating-form');
const ratingErrors = new FieldErrors($('rating-errors'), {
  rating: { id: 'rating-level', label: 'Mức độ hài lòng' },
  unresolved: { id: 'rating-unresolved', label: 'Chưa được giải quyết' },
  comment: { id: 'rating-comment', label: 'Ý kiến của người gọi' },
});
const recountComment = characterCount(
  $('rating-comment'),
  $('rating-comment-count'),
  $('rating-comment-live'),
  MAX_COMMENT,
);
/** The code whose caller is being asked; undefined when the panel is closed. */
let ratingCode;
let ratingSending = false;

/** "Ghi đánh giá" on a logged call answered on the line, to come back to a skipped rating. */
function rateButton(code) {
  const button = h(
    'button',
    { type: 'button', className: 'button button--secondary button--small' },
    'Ghi đánh giá',
    h('span', { className: 'visually-hidden' }, ` của người gọi cho mã ${code}`),
  );
  button.addEventListener('click', () => openRating(code));
  return button;
}

/** "Chưa được giải quyết" only goes with "Chưa hài lòng". */
function syncUnresolved() {
  const box = $('rating-unresolved');
  box.disabled = !$('rating-chua_hai_long').checked;
  if (box.disabled) box.checked = false;
}

function openRating(code) {
  ratingCode = code;
  ratingForm.reset();
  syncUnresolved();
  recountComment();
  ratingErrors.clear();
  $('rating-status').textContent = '';
  $('rating-code').textContent = code;
  $('rating').hidden = false;
  $('rating-rat_hai_long').focus();
}

function hideRating() {
  ratingCode = undefined;
  $('rating').hidden = true;
}

/** Skipped or saved: on to the next call. */
function closeRating() {
  hideRating();
  $('caller-name').focus();
}

const OUTCOME_MESSAGES = {
  recorded: (r) => `Đã ghi đánh giá của người gọi (mã ${r.code}): ${RATING_LABELS[r.rating] ?? r.rating}.`,
  reopened: (r) =>
    `Đã ghi đánh giá của người gọi (mã ${r.code}): ${RATING_LABELS[r.rating] ?? r.rating}. Phản ánh, kiến nghị được chuyển lại để xem xét, xử lý lại.`,
  escalated: (r) =>
    `Đã ghi đánh giá của người gọi (mã ${r.code}): ${RATING_LABELS[r.rating] ?? r.rating}. Phản ánh, kiến nghị được chuyển Văn phòng UBND tỉnh xem xét.`,
};

async function saveRating() {
  if (ratingSending || !ratingCode) return;
  const level = ratingForm.elements.rating.value;
  const comment = clean($('rating-comment').value);
  const problems = [];
  if (!level) problems.push({ field: 'rating', message: 'Chọn mức độ hài lòng người gọi nêu (phím 1–4).' });
  if (comment.length > MAX_COMMENT)
    problems.push({ field: 'comment', message: `Tối đa ${MAX_COMMENT.toLocaleString('vi-VN')} ký tự.` });
  if (problems.length) return ratingErrors.show(problems, 'Đánh giá còn thiếu hoặc chưa hợp lệ.');
  ratingErrors.clear();
  const body = {
    rating: level,
    ...(comment ? { comment } : {}),
    ...($('rating-unresolved').checked ? { unresolved: true } : {}),
  };
  ratingSending = true;
  $('rating-submit').disabled = true;
  $('rating-status').textContent = 'Đang lưu đánh giá…';
  try {
    const r = await api(`/v1/hotline/calls/${encodeURIComponent(ratingCode)}/rating`, {
      method: 'POST',
      body,
      token: sessionStorage.getItem(TOKEN_KEY),
    });
    $('rating-status').textContent = '';
    if (r.status === 200 && r.json) return rated(r.json);
    if (r.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showSession();
      $('sign-in-status').textContent =
        'Phiên đăng nhập đã hết hạn. Đăng nhập lại để ghi đánh giá; mức đánh giá đã chọn vẫn được giữ.';
      $('operator-name').focus();
      return;
    }
    if (r.status === 422 && apiFieldErrors(r).length)
      return ratingErrors.show(apiFieldErrors(r), 'Chưa lưu được: đánh giá chưa hợp lệ.');
    ratingErrors.showMessage(failureMessage(r));
  } finally {
    ratingSending = false;
    $('rating-submit').disabled = false;
  }
}

function rated(result) {
  $('saved').replaceChildren(h('p', {}, (OUTCOME_MESSAGES[result.outcome] ?? OUTCOME_MESSAGES.recorded)(result)));
  const mark = $('logged').querySelector(`li[data-code="${result.code}"] .logged__rating`);
  if (mark) mark.textContent = `; người gọi đánh giá: ${RATING_LABELS[result.rating] ?? result.rating}`;
  closeRating();
}

for (const radio of ratingForm.querySelectorAll('input[name="rating"]'))
  radio.addEventListener('change', syncUnresolved);

ratingForm.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    saveRating();
  } else if (e.key === 'Escape') {
    e.preventDefault();
    closeRating();
  } else if (/^[1-4]$/.test(e.key) && !e.ctrlKey && !e.altKey && !e.metaKey && e.target !== $('rating-comment')) {
    // Digits pick a level anywhere in the form but the comment, where they are text.
    e.preventDefault();
    const level = ratingForm.querySelector(`input[name="rating"][data-key="${e.key}"]`);
    level.checked = true;
    level.focus();
    syncUnresolved();
  }
});

ratingForm.addEventListener('submit', (e) => {
  e.preventDefault();
  saveRating();
});

$('rating-skip').addEventListener('click', () => closeRating());

if (showSession()) $('calledAt').value = vnLocalInput(new Date());
