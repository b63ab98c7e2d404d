// Monitoring dashboard for VPUB coordinators: the periodic report (charts, per-agency table, exports),
// the overdue list with ageing and a chase action, and a case search. Plain DOM, Chart.js served
// from /vendor (the page's CSP allows scripts and styles from 'self' only: no inline code or styles).

const TOKEN_KEY = 'pakn.dashboard.token';
const Chart = globalThis.Chart;

const $ = (id) => document.getElementById(id);
const number = new Intl.NumberFormat('vi-VN');
const percent = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 });

const STATUS = {
  received: 'Chờ phân loại',
  assigned: 'Đã chuyển cơ quan',
  in_progress: 'Đang xử lý',
  resolved: 'Đã trả lời',
  rejected: 'Không tiếp nhận',
  duplicate: 'Trùng lặp',
};
const STEP = { classify: 'Phân loại, chuyển', acknowledge: 'Tiếp nhận tại cơ quan', handle: 'Giải quyết, trả lời' };
const CHANNEL = {
  web: 'Cổng thông tin',
  hotline: 'Đường dây nóng',
  vpcp: 'PAKN quốc gia',
  letter: 'Thư, văn bản',
  email: 'Thư điện tử',
};
const BUCKET = { '1-3': '1–3 ngày', '4-10': '4–10 ngày', '>10': 'Trên 10 ngày' };
const BUCKET_CLASS = { '1-3': 'age-low', '4-10': 'age-mid', '>10': 'age-high' };

// Colour-blind-safe pair for the lines; the bars' colour follows the rate so a projector shows it at a glance.
const COLORS = { received: '#1f5fa8', handled: '#d9730d', good: '#2e7d32', fair: '#b26a00', poor: '#c62828' };

const state = { token: sessionStorage.getItem(TOKEN_KEY), charts: {}, searchCursor: undefined };

// --- dates (Asia/Ho_Chi_Minh, UTC+7 all year) -------------------------------------------------

const vnToday = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
const pad = (n) => String(n).padStart(2, '0');
const lastDay = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const viDate = (d) => (d ? `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}` : '');
const viDateTime = (iso) => {
  const local = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
  return `${local.slice(11, 16)} ${viDate(local.slice(0, 10))}`;
};

/** Report periods as practised: quarters, half-years 15/12–14/6 and 15/6–14/12, years 15/12–14/12. */
function presetPeriod(kind, today = vnToday()) {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const md = today.slice(5);
  if (kind === 'quarter' || kind === 'previous-quarter') {
    let q = Math.floor((m - 1) / 3) - (kind === 'previous-quarter' ? 1 : 0);
    const year = q < 0 ? y - 1 : y;
    q = (q + 4) % 4;
    const end = q * 3 + 3;
    return { from: `${year}-${pad(q * 3 + 1)}-01`, to: `${year}-${pad(end)}-${pad(lastDay(year, end))}` };
  }
  if (kind === 'half') {
    if (md >= '12-15') return { from: `${y}-12-15`, to: `${y + 1}-06-14` };
    if (md <= '06-14') return { from: `${y - 1}-12-15`, to: `${y}-06-14` };
    return { from: `${y}-06-15`, to: `${y}-12-14` };
  }
  if (md >= '12-15') return { from: `${y}-12-15`, to: `${y + 1}-12-14` };
  return { from: `${y - 1}-12-15`, to: `${y}-12-14` };
}

// --- API ---------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, { method = 'GET', body, raw = false } = {}) {
  const headers = { authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (r.status === 401) {
    signOut();
    throw new ApiError(401, 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.');
  }
  if (!r.ok) {
    const err = await r.json().catch(() => undefined);
    throw new ApiError(r.status, err?.error?.message ?? `Lỗi ${r.status}`);
  }
  return raw ? r : r.json();
}

// --- sign-in (local stack: POST /dev/token) ----------------------------------------------------

async function signIn() {
  $('signin-error').textContent = '';
  try {
    const r = await fetch('/dev/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'coordinator', name: 'Điều phối viên VPUB' }),
    });
    if (!r.ok) throw new Error(`Không đăng nhập được (${r.status}).`);
    state.token = (await r.json()).token;
    sessionStorage.setItem(TOKEN_KEY, state.token);
    await start();
  } catch (e) {
    $('signin-error').textContent = e.message;
  }
}

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  $('app').hidden = true;
  $('session').hidden = true;
  $('signin').hidden = false;
}

// --- DOM helpers -------------------------------------------------------------------------------

/** Element with text and attributes; text goes through textContent, so nothing from the API is parsed as HTML. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== undefined && c !== null) node.append(c);
  return node;
}

function setStatus(text, isError = false) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', isError);
}

// --- the report: KPIs, charts, per-agency table, exports ----------------------------------------

function period() {
  return { from: $('from').value, to: $('to').value };
}

async function loadReport() {
  const { from, to } = period();
  if (!from || !to) return;
  const url = new URL(location.href);
  url.searchParams.set('from', from);
  url.searchParams.set('to', to);
  history.replaceState(null, '', url);
  setStatus(`Đang tính báo cáo từ ${viDate(from)} đến ${viDate(to)}…`);
  try {
    const report = await api(`/v1/reports/periodic?from=${from}&to=${to}&format=json`);
    renderKpis(report);
    renderOnTimeChart(report);
    renderWeeklyChart(report);
    renderAgencyTable(report);
    renderRatings(report);
    setStatus(`Báo cáo từ ${viDate(from)} đến ${viDate(to)} · lập lúc ${viDateTime(report.generatedAt)}`);
  } catch (e) {
    setStatus(e.message, true);
  }
}

function renderKpis(r) {
  const t = r.totals;
  const handled = t.handledOnTime + t.handledLate;
  $('kpi-total').textContent = number.format(t.carriedOver + t.received);
  $('kpi-total-note').textContent =
    `${number.format(t.carriedOver)} kỳ trước chuyển sang, ${number.format(t.received)} mới`;
  $('kpi-handled').textContent = number.format(handled);
  $('kpi-handled-note').textContent =
    `${number.format(t.handledLate)} quá hạn · ${number.format(t.rejected)} không tiếp nhận · ${number.format(t.merged)} gộp`;
  $('kpi-rate').textContent = t.onTimeRate === null ? '–' : percent.format(t.onTimeRate);
  $('kpi-overdue').textContent = number.format(t.pendingOverdue);
  $('kpi-overdue-note').textContent = `${number.format(t.pendingWithinDeadline)} đang trong hạn`;
}

const rateColor = (rate) => (rate >= 0.9 ? COLORS.good : rate >= 0.7 ? COLORS.fair : COLORS.poor);
const shorten = (s, n = 34) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Writes each bar's percentage at its end: readable from the back of a meeting room. */
const barValues = {
  id: 'barValues',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const meta = chart.getDatasetMeta(0);
    ctx.save();
    ctx.font = `600 ${Chart.defaults.font.size}px ${Chart.defaults.font.family}`;
    ctx.fillStyle = '#1a1a1a';
    ctx.textBaseline = 'middle';
    meta.data.forEach((bar, i) => {
      const v = chart.data.datasets[0].data[i];
      ctx.fillText(`${v.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} %`, bar.x + 8, bar.y);
    });
    ctx.restore();
  },
};

function renderOnTimeChart(r) {
  const rows = r.byAgency
    .filter((a) => a.onTimeRate !== null)
    .sort((a, b) => a.onTimeRate - b.onTimeRate || a.name.localeCompare(b.name, 'vi'));
  // One bar per agency; the box grows with the list so names stay legible.
  $('ontime-box').style.height = `${Math.max(280, rows.length * 44 + 60)}px`;
  const data = {
    labels: rows.map((a) => shorten(a.name)),
    datasets: [
      {
        label: 'Tỷ lệ đúng hạn (%)',
        data: rows.map((a) => Math.round(a.onTimeRate * 1000) / 10),
        backgroundColor: rows.map((a) => rateColor(a.onTimeRate)),
        borderRadius: 4,
        maxBarThickness: 34,
      },
    ],
  };
  state.charts.ontime?.destroy();
  state.charts.ontime = new Chart($('chart-ontime'), {
    type: 'bar',
    data,
    plugins: [barValues],
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      layout: { padding: { right: 72 } },
      scales: {
        x: { min: 0, max: 100, ticks: { callback: (v) => `${v} %` }, grid: { color: '#e3e3e3' } },
        y: { grid: { display: false } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => rows[items[0].dataIndex].name,
            label: (item) => {
              const a = rows[item.dataIndex];
              return `${item.formattedValue} % — ${a.handledOnTime}/${a.handledOnTime + a.handledLate} đúng hạn`;
            },
          },
        },
      },
    },
  });
}

function renderWeeklyChart(r) {
  const data = {
    labels: r.byWeek.map((w) => viDate(w.weekStart).slice(0, 5)),
    datasets: [
      {
        label: 'Tiếp nhận',
        data: r.byWeek.map((w) => w.received),
        borderColor: COLORS.received,
        backgroundColor: COLORS.received,
        borderWidth: 3,
        pointRadius: 4,
        tension: 0.2,
      },
      {
        label: 'Đã xử lý',
        data: r.byWeek.map((w) => w.handled),
        borderColor: COLORS.handled,
        backgroundColor: COLORS.handled,
        borderWidth: 3,
        borderDash: [8, 4],
        pointRadius: 4,
        pointStyle: 'rectRot',
        tension: 0.2,
      },
    ],
  };
  state.charts.weekly?.destroy();
  state.charts.weekly = new Chart($('chart-weekly'), {
    type: 'line',
    data,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        x: { title: { display: true, text: 'Tuần bắt đầu' } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: true } },
        tooltip: { callbacks: { title: (items) => `Tuần từ ${viDate(r.byWeek[items[0].dataIndex].weekStart)}` } },
      },
    },
  });
}

const AGENCY_COLUMNS = [
  ['carriedOver', 'Kỳ trước chuyển sang'],
  ['received', 'Tiếp nhận mới'],
  ['handledOnTime', 'Đã xử lý đúng hạn'],
  ['handledLate', 'Đã xử lý quá hạn'],
  ['pendingWithinDeadline', 'Đang xử lý trong hạn'],
  ['pendingOverdue', 'Đang xử lý quá hạn'],
  ['rejected', 'Không tiếp nhận'],
  ['merged', 'Gộp'],
  ['extended', 'Gia hạn'],
  ['returned', 'Trả lại'],
];

function renderAgencyTable(r) {
  const table = $('agency-table');
  table.replaceChildren(
    el('caption', { class: 'sr-only', text: 'Số liệu xử lý theo cơ quan trong kỳ' }),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col', text: 'Cơ quan' }),
        ...AGENCY_COLUMNS.map(([, label]) => el('th', { scope: 'col', class: 'num', text: label })),
        el('th', { scope: 'col', class: 'num', text: 'Tỷ lệ đúng hạn' }),
      ),
    ),
    el(
      'tbody',
      {},
      ...[...r.byAgency, { ...r.totals, name: 'Toàn tỉnh', total: true }].map((a) =>
        el(
          'tr',
          { class: a.total ? 'total' : undefined },
          el('th', { scope: 'row', text: a.name }),
          ...AGENCY_COLUMNS.map(([k]) => el('td', { class: 'num', text: number.format(a[k]) })),
          el('td', { class: 'num', text: a.onTimeRate === null ? '–' : percent.format(a.onTimeRate) }),
        ),
      ),
    ),
  );
}

const RATING = {
  rat_hai_long: 'Rất hài lòng',
  hai_long: 'Hài lòng',
  binh_thuong: 'Bình thường',
  chua_hai_long: 'Chưa hài lòng',
};
const rateText = (rate) => (rate === null || rate === undefined ? '–' : percent.format(rate));

/** Each level as "count (share)", the reopen rate on the answers of the period; the province last. */
function renderRatings(r) {
  const ratings = r.ratings;
  if (!ratings) return;
  $('ratings-note').textContent =
    'Mỗi PAKN tính một lần theo đánh giá cuối cùng trong kỳ, cho cơ quan đã trả lời. Tỷ lệ xử lý lại: số lượt trả lời trong kỳ bị người gửi đánh giá chưa được giải quyết / số lượt trả lời trong kỳ.';
  const rows = [...ratings.byAgency, { ...ratings.totals, name: 'Toàn tỉnh', total: true }];
  $('ratings-table').replaceChildren(
    el('caption', { class: 'sr-only', text: 'Mức độ hài lòng và tỷ lệ phải xử lý lại theo cơ quan trong kỳ' }),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col', text: 'Cơ quan' }),
        ...Object.values(RATING).map((label) => el('th', { scope: 'col', class: 'num', text: label })),
        el('th', { scope: 'col', class: 'num', text: 'Số đánh giá' }),
        el('th', { scope: 'col', class: 'num', text: 'Lượt trả lời' }),
        el('th', { scope: 'col', class: 'num', text: 'Phải xử lý lại' }),
        el('th', { scope: 'col', class: 'num', text: 'Tỷ lệ xử lý lại' }),
      ),
    ),
    el(
      'tbody',
      {},
      ...(ratings.byAgency.length === 0
        ? [
            el(
              'tr',
              {},
              el('td', { colSpan: 9, class: 'empty', text: 'Chưa có đánh giá hay lượt trả lời nào trong kỳ.' }),
            ),
          ]
        : rows.map((a) =>
            el(
              'tr',
              { class: a.total ? 'total' : undefined, 'data-agency': a.agencyId },
              el('th', { scope: 'row', text: a.name }),
              ...Object.keys(RATING).map((k) =>
                el('td', {
                  class: 'num',
                  'data-level': k,
                  text: `${number.format(a.counts[k])} (${rateText(a.shares[k])})`,
                }),
              ),
              el('td', { class: 'num', text: number.format(a.rated) }),
              el('td', { class: 'num', text: number.format(a.answered) }),
              el('td', { class: 'num', text: number.format(a.reopened) }),
              el('td', { class: 'num', text: rateText(a.reopenRate) }),
            ),
          )),
    ),
  );
  renderComments(ratings);
}

/** What senders wrote with their rating: coordinators only (the report is theirs alone). */
function renderComments(ratings) {
  $('comments-note').textContent =
    ratings.commentsTotal > ratings.comments.length
      ? `${number.format(ratings.comments.length)} ý kiến mới nhất trên tổng số ${number.format(ratings.commentsTotal)}.`
      : `${number.format(ratings.commentsTotal)} ý kiến trong kỳ.`;
  $('comments-table').replaceChildren(
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['Thời điểm', 'Mã', 'Cơ quan', 'Đánh giá', 'Ý kiến'].map((h) => el('th', { scope: 'col', text: h })),
      ),
    ),
    el(
      'tbody',
      {},
      ...(ratings.comments.length === 0
        ? [el('tr', {}, el('td', { colSpan: 5, class: 'empty', text: 'Không có ý kiến nào trong kỳ.' }))]
        : ratings.comments.map((m) =>
            el(
              'tr',
              { 'data-code': m.code },
              el('td', { text: viDateTime(m.at) }),
              el('td', { class: 'code', text: m.code }),
              el('td', { text: m.agencyName }),
              el('td', { text: `${RATING[m.level] ?? m.level}${m.unresolved ? ' · chưa được giải quyết' : ''}` }),
              el('td', { text: m.comment }),
            ),
          )),
    ),
  );
}

async function exportReport(format) {
  const { from, to } = period();
  setStatus(`Đang tạo tệp ${format.toUpperCase()}…`);
  try {
    const r = await api(`/v1/reports/periodic?from=${from}&to=${to}&format=${format}`, { raw: true });
    const name = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') ?? '')?.[1] ?? `bao-cao-pakn.${format}`;
    const url = URL.createObjectURL(await r.blob());
    const a = el('a', { href: url, download: name, class: 'sr-only' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setStatus(`Đã tải ${name}.`);
  } catch (e) {
    setStatus(e.message, true);
  }
}

// --- overdue list ------------------------------------------------------------------------------

async function loadAgencies() {
  const r = await fetch('/v1/agencies').then((x) => x.json());
  const select = $('overdue-agency');
  for (const a of r.agencies.sort((x, y) => x.name.localeCompare(y.name, 'vi'))) {
    select.append(el('option', { value: a.id, text: a.name }));
  }
}

async function loadOverdue() {
  const q = new URLSearchParams();
  if ($('overdue-agency').value) q.set('agencyId', $('overdue-agency').value);
  if ($('overdue-bucket').value) q.set('bucket', $('overdue-bucket').value);
  const list = $('overdue-list');
  try {
    const qs = q.toString();
    const m = await api(`/v1/monitor/overdue${qs ? `?${qs}` : ''}`);
    $('overdue-at').textContent = `Cập nhật lúc ${viDateTime(m.at)} · ${number.format(m.total)} PAKN`;
    $('overdue-buckets').replaceChildren(
      ...Object.entries(BUCKET).map(([k, label]) =>
        el('span', { class: `chip ${BUCKET_CLASS[k]}`, text: `${label}: ${number.format(m.buckets[k])}` }),
      ),
    );
    list.replaceChildren(
      ...(m.agencies.length
        ? m.agencies.map(renderAgencyOverdue)
        : [el('p', { class: 'empty', text: 'Không có PAKN quá hạn theo bộ lọc này.' })]),
    );
  } catch (e) {
    list.replaceChildren(el('p', { class: 'error', text: e.message }));
  }
}

function renderAgencyOverdue(a) {
  const counts = Object.entries(BUCKET)
    .filter(([k]) => a.buckets[k])
    .map(([k, label]) => el('span', { class: `chip ${BUCKET_CLASS[k]}`, text: `${label}: ${a.buckets[k]}` }));
  return el(
    'section',
    { class: 'agency-group', 'data-agency': a.agencyId },
    el('h3', {}, el('span', { text: a.name }), el('span', { class: 'count', text: `${a.total} PAKN` }), ...counts),
    // The list scrolls inside its box: focusable and named, so keyboard users can scroll it too.
    el(
      'div',
      { class: 'table-wrap', tabIndex: 0, role: 'region', 'aria-label': `PAKN quá hạn của ${a.name}` },
      el(
        'table',
        { class: 'overdue' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Mã', 'Tiêu đề', 'Bước', 'Hạn', 'Quá hạn', 'Thao tác'].map((h) => el('th', { scope: 'col', text: h })),
          ),
        ),
        el('tbody', {}, ...a.cases.map(renderOverdueRow)),
      ),
    ),
  );
}

function renderOverdueRow(c) {
  const action =
    c.step === 'classify'
      ? el('span', { class: 'muted', text: 'Việc của VPUB' })
      : el('button', { type: 'button', class: 'chase', 'data-code': c.code, text: 'Đôn đốc' });
  return el(
    'tr',
    { 'data-code': c.code },
    el('td', { class: 'code', text: c.code }),
    el('td', { text: c.title }),
    el('td', { text: STEP[c.step] ?? c.step }),
    el('td', { text: viDateTime(c.dueAt) }),
    el(
      'td',
      {},
      el('span', { class: `chip ${BUCKET_CLASS[c.bucket]}`, text: `${c.workingDaysOverdue} ngày làm việc` }),
    ),
    el('td', {}, action),
  );
}

async function chase(button) {
  button.disabled = true;
  try {
    await api(`/v1/cases/${encodeURIComponent(button.dataset.code)}/chase`, { method: 'POST', body: {} });
    button.replaceWith(el('span', { class: 'done', text: 'Đã gửi đôn đốc' }));
  } catch (e) {
    button.disabled = false;
    button.title = e.message;
    setStatus(`${button.dataset.code}: ${e.message}`, true);
  }
}

// --- case search -------------------------------------------------------------------------------

async function search(more = false) {
  const { from, to } = period();
  const q = new URLSearchParams({ from, to, limit: '20' });
  if ($('search-q').value.trim()) q.set('q', $('search-q').value.trim());
  if ($('search-status').value) q.set('status', $('search-status').value);
  if ($('search-channel').value) q.set('channel', $('search-channel').value);
  if ($('search-overdue').checked) q.set('overdue', 'true');
  if (more && state.searchCursor) q.set('cursor', state.searchCursor);
  const table = $('search-results');
  try {
    const page = await api(`/v1/cases?${q}`);
    if (!more) {
      table.replaceChildren(
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Mã', 'Tiêu đề', 'Kênh', 'Trạng thái', 'Cơ quan', 'Tiếp nhận', 'Hạn bước hiện tại'].map((h) =>
              el('th', { scope: 'col', text: h }),
            ),
          ),
        ),
        el('tbody'),
      );
    }
    table.tBodies[0].append(
      ...page.items.map((c) =>
        el(
          'tr',
          { class: c.overdue ? 'is-overdue' : undefined },
          el('td', { class: 'code', text: c.code }),
          el('td', { text: c.title }),
          el('td', { text: CHANNEL[c.channel] ?? c.channel }),
          el('td', { text: STATUS[c.status] ?? c.status }),
          el('td', { text: c.agencyId ?? '–' }),
          el('td', { text: viDateTime(c.receivedAt) }),
          el('td', { text: c.dueAt ? `${viDateTime(c.dueAt)}${c.overdue ? ' (quá hạn)' : ''}` : '–' }),
        ),
      ),
    );
    if (!more && page.items.length === 0 && !page.cursor) {
      table.tBodies[0].append(el('tr', {}, el('td', { colSpan: 7, class: 'empty', text: 'Không có kết quả.' })));
    }
    state.searchCursor = page.cursor;
    $('search-more').hidden = !page.cursor;
  } catch (e) {
    setStatus(e.message, true);
  }
}

// --- start -------------------------------------------------------------------------------------

async function start() {
  $('signin').hidden = true;
  $('app').hidden = false;
  $('session').hidden = false;
  $('session-name').textContent = 'Điều phối viên VPUB';
  await Promise.all([loadReport(), loadOverdue()]);
}

function init() {
  Chart.defaults.font.size = 16;
  Chart.defaults.font.family = 'system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';
  Chart.defaults.color = '#1a1a1a';

  const params = new URLSearchParams(location.search);
  const initial =
    params.get('from') && params.get('to')
      ? { from: params.get('from'), to: params.get('to') }
      : presetPeriod('quarter');
  $('from').value = initial.from;
  $('to').value = initial.to;

  $('signin-button').addEventListener('click', signIn);
  $('signout').addEventListener('click', signOut);
  $('period-form').addEventListener('submit', (e) => {
    e.preventDefault();
    loadReport();
  });
  $('preset').addEventListener('change', () => {
    if (!$('preset').value) return;
    const p = presetPeriod($('preset').value);
    $('from').value = p.from;
    $('to').value = p.to;
    loadReport();
  });
  $('export-xlsx').addEventListener('click', () => exportReport('xlsx'));
  $('export-csv').addEventListener('click', () => exportReport('csv'));
  $('overdue-agency').addEventListener('change', loadOverdue);
  $('overdue-bucket').addEventListener('change', loadOverdue);
  $('overdue-list').addEventListener('click', (e) => {
    const button = e.target.closest('button.chase');
    if (button) chase(button);
  });
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    search(false);
  });
  $('search-more').addEventListener('click', () => search(true));

  loadAgencies().catch(() => undefined);
  if (state.token) start();
  else signOut();
}

init();
