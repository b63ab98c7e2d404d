/**
 * What the citizen form, the tracking page and the operator page share: the API client, Vietnamese
 * labels and dates, and accessible field errors. Everything that shows data builds DOM nodes and
 * sets `textContent`; no HTML string is ever built from data.
 */

/** Status words shown to citizens (architecture.md, "Case lifecycle"). */
export const STATUS_LABELS = {
  received: 'Đã tiếp nhận',
  assigned: 'Đã chuyển cơ quan xử lý',
  in_progress: 'Đang xử lý',
  resolved: 'Đã có kết quả',
  rejected: 'Không tiếp nhận',
  duplicate: 'Trùng nội dung đã gửi',
};

export const KIND_LABELS = { phan_anh: 'Phản ánh', kien_nghi: 'Kiến nghị' };

/**
 * Public history steps (only action and time reach the public view). Every action the server
 * writes as public must be here (test/unit/web/labels.test.ts).
 */
export const ACTION_LABELS = {
  received: 'Tiếp nhận phản ánh, kiến nghị',
  resolved_on_call: 'Trả lời ngay qua tổng đài',
  forwarded: 'Chuyển đến cơ quan có thẩm quyền xử lý',
  accepted: 'Cơ quan có thẩm quyền nhận xử lý',
  returned: 'Cơ quan trả lại do không đúng thẩm quyền; đang chuyển lại',
  rejected: 'Không tiếp nhận (đã hướng dẫn người gửi)',
  merged: 'Gộp với phản ánh, kiến nghị trùng nội dung',
  extension_approved: 'Gia hạn thời gian xử lý',
  extension_denied: 'Không chấp thuận gia hạn',
  resolved: 'Có kết quả xử lý',
  reassigned: 'Chuyển cơ quan khác có thẩm quyền xử lý',
  transferred: 'Chuyển cơ quan tiếp nhận nhiệm vụ do sắp xếp tổ chức bộ máy',
  rated: 'Người gửi đánh giá kết quả xử lý',
  rating_changed: 'Người gửi thay đổi đánh giá',
  reopened: 'Chuyển lại để xem xét, xử lý lại theo đánh giá của người gửi',
  repeat_escalated: 'Chuyển Văn phòng UBND tỉnh xem xét theo đánh giá của người gửi',
};

/** Which deadline `dueAt` is, by status (the step now running). */
export const DUE_LABELS = {
  received: 'Hạn chuyển đến cơ quan có thẩm quyền',
  assigned: 'Hạn cơ quan nhận xử lý',
  in_progress: 'Hạn trả lời',
};

/** Trimmed NFC text: what the API stores, so what the counters count. */
export const clean = (s) =>
  String(s ?? '')
    .normalize('NFC')
    .trim();

const VN_OFFSET_MS = 7 * 3600_000;
const pad = (n) => String(n).padStart(2, '0');

/** Vietnam has no daylight saving time: +07:00 all year, whatever the browser's zone. */
function vnParts(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  const d = new Date(t + VN_OFFSET_MS);
  return {
    y: d.getUTCFullYear(),
    m: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    hh: pad(d.getUTCHours()),
    mm: pad(d.getUTCMinutes()),
  };
}

/** dd/mm/yyyy, Vietnam time. */
export function formatDate(iso) {
  const p = vnParts(iso);
  return p ? `${p.d}/${p.m}/${p.y}` : '';
}

/** HH:mm dd/mm/yyyy, Vietnam time. */
export function formatDateTime(iso) {
  const p = vnParts(iso);
  return p ? `${p.hh}:${p.mm} ${p.d}/${p.m}/${p.y}` : '';
}

/** The `datetime-local` value for an instant, in Vietnam time. */
export function vnLocalInput(date) {
  const p = vnParts(date.toISOString());
  return `${p.y}-${p.m}-${p.d}T${p.hh}:${p.mm}`;
}

/** A fresh Idempotency-Key. randomUUID needs a secure context; getRandomValues does not. */
export function newKey() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Build an element; children are nodes or strings (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'className') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

/**
 * Call the API. Never throws for an HTTP status: `{status, json, retryAfter}`; a network failure
 * is `status: 0`.
 */
export async function api(path, { method = 'GET', body, headers = {}, token } = {}) {
  const sent = { accept: 'application/json', ...headers };
  if (body !== undefined) sent['content-type'] = 'application/json';
  if (token) sent.authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, { method, headers: sent, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    return { status: 0, json: undefined };
  }
  let json;
  try {
    json = await res.json();
  } catch {
    json = undefined;
  }
  return { status: res.status, json, retryAfter: Number(res.headers.get('retry-after')) || undefined };
}

/** A Vietnamese message for a failed call that is not a field-by-field 422. */
export function failureMessage(r) {
  if (r.status === 0) return 'Không kết nối được máy chủ. Vui lòng kiểm tra kết nối mạng rồi gửi lại.';
  if (r.status === 429)
    return `Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau ${r.retryAfter ?? 60} giây (nội dung bạn nhập vẫn được giữ nguyên).`;
  if (r.status === 413) return 'Nội dung gửi lên quá lớn. Vui lòng rút gọn rồi gửi lại.';
  if (r.status >= 500)
    return 'Hệ thống đang gặp sự cố. Nội dung bạn nhập vẫn được giữ nguyên; vui lòng gửi lại sau ít phút.';
  return r.json?.error?.message ?? `Yêu cầu không thành công (mã lỗi ${r.status}).`;
}

/** Fill a <select> with options after its first (placeholder) option. */
export function fillSelect(select, items) {
  for (const { value, label } of items) select.append(h('option', { value }, label));
}

/** Load categories and localities for the pickers; a failure leaves them optional and empty. */
export async function loadReference() {
  const [cats, ags] = await Promise.all([api('/v1/categories'), api('/v1/agencies')]);
  return {
    categories: cats.status === 200 && Array.isArray(cats.json?.categories) ? cats.json.categories : [],
    localities: ags.status === 200 && Array.isArray(ags.json?.localities) ? ags.json.localities : [],
  };
}

/** Fill the `categoryCode` and `localityCode` pickers of a page from the API; resolves to the reference data. */
export async function fillReferencePickers($) {
  const reference = await loadReference();
  fillSelect(
    $('categoryCode'),
    reference.categories.map((c) => ({ value: c.code, label: c.name })),
  );
  fillSelect(
    $('localityCode'),
    reference.localities.map((l) => ({ value: l.code, label: l.name })),
  );
  return reference;
}

/**
 * Live character count for a field limited to `max` characters. The visible count updates as one
 * types; screen readers hear it through a polite live region, after a pause, not per keystroke.
 */
export function characterCount(field, visible, live, max) {
  let timer;
  const update = (announce) => {
    const n = clean(field.value).length;
    const text =
      n > max
        ? `Vượt quá ${(n - max).toLocaleString('vi-VN')} ký tự (tối đa ${max.toLocaleString('vi-VN')})`
        : `${n.toLocaleString('vi-VN')} / ${max.toLocaleString('vi-VN')} ký tự`;
    visible.textContent = text;
    visible.classList.toggle('counter--over', n > max);
    if (announce) {
      clearTimeout(timer);
      timer = setTimeout(() => {
        live.textContent = n > max ? text : `Còn ${(max - n).toLocaleString('vi-VN')} ký tự`;
      }, 1000);
    }
  };
  field.addEventListener('input', () => update(true));
  update(false);
  return () => update(false);
}

/**
 * Field errors. Each field has an error element `#<id>-error` next to it; showing an error marks
 * the control `aria-invalid` and adds the error to its `aria-describedby`.
 */
export class FieldErrors {
  /**
   * @param {HTMLElement} summary the error summary (tabindex -1), with `.error-summary__message` and `.error-summary__list`.
   * @param {Record<string, {id: string, label: string}>} fields API field name → control id and its label.
   */
  constructor(summary, fields) {
    this.summary = summary;
    this.fields = fields;
    this.shown = [];
  }

  clear() {
    for (const id of this.shown) {
      const control = document.getElementById(id);
      const error = document.getElementById(`${id}-error`);
      if (error) {
        error.hidden = true;
        error.replaceChildren();
      }
      for (const c of controlsOf(control)) {
        c.removeAttribute('aria-invalid');
        const ids = (c.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((x) => x && x !== `${id}-error`);
        if (ids.length) c.setAttribute('aria-describedby', ids.join(' '));
        else c.removeAttribute('aria-describedby');
      }
      control?.closest('.field')?.classList.remove('field--error');
    }
    this.shown = [];
    this.summary.hidden = true;
  }

  /**
   * Show errors beside their fields and list them in the summary, which takes focus.
   * @param {Array<{field: string, message: string}>} errors API field names (`submitter.phone`) or control ids.
   * @param {string} heading what went wrong, in one sentence.
   */
  show(errors, heading) {
    this.clear();
    const list = this.summary.querySelector('.error-summary__list');
    list.replaceChildren();
    const seen = new Set();
    for (const { field, message } of errors) {
      const spec = this.fields[field];
      const id = spec?.id;
      const control = id ? document.getElementById(id) : null;
      if (control && !seen.has(id)) {
        seen.add(id);
        this.shown.push(id);
        const error = document.getElementById(`${id}-error`);
        error.replaceChildren(h('span', { className: 'visually-hidden' }, 'Lỗi: '), message);
        error.hidden = false;
        for (const c of controlsOf(control)) {
          c.setAttribute('aria-invalid', 'true');
          const ids = (c.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
          c.setAttribute('aria-describedby', [`${id}-error`, ...ids].join(' '));
        }
        control.closest('.field')?.classList.add('field--error');
        const link = h('a', { href: `#${firstControl(control).id}` }, summaryText(spec.label, message));
        link.addEventListener('click', (e) => {
          e.preventDefault();
          firstControl(control).focus();
        });
        list.append(h('li', {}, link));
      } else if (!control) {
        list.append(h('li', {}, message));
      }
    }
    this.summary.querySelector('.error-summary__message').textContent = heading;
    list.hidden = list.childElementCount === 0;
    this.summary.hidden = false;
    this.summary.focus();
  }

  /** A failure that concerns no field: the summary alone. */
  showMessage(heading) {
    this.show([], heading);
  }
}

/** "Label: message", unless the message already starts with the label (the API's usually do). */
function summaryText(label, message) {
  const starts = message.toLocaleLowerCase('vi').startsWith(label.toLocaleLowerCase('vi'));
  return starts ? message : `${label}: ${message}`;
}

/** A fieldset's radios/checkboxes, or the control itself. */
function controlsOf(control) {
  if (!control) return [];
  if (control.tagName === 'FIELDSET') return [...control.querySelectorAll('input')];
  return [control];
}

const firstControl = (control) => controlsOf(control)[0] ?? control;

/** Pull `{field, message}` pairs out of a 422 body. */
export function apiFieldErrors(r) {
  const fields = r.json?.error?.fields;
  return Array.isArray(fields)
    ? fields.filter((f) => typeof f?.field === 'string' && typeof f?.message === 'string')
    : [];
}
