/**
 * The API reference, rendered in the browser from the OpenAPI document the API itself serves, so
 * the page can never describe another API than the one deployed. DOM nodes and `textContent` only:
 * the document's text is never parsed as HTML.
 */
import { h } from './pakn.js';

const DOCUMENT = '/v1/openapi.json';
const METHODS = ['get', 'post', 'put', 'delete'];

const $ = (id) => document.getElementById(id);

/** Text with `code` spans, as the document's descriptions write them. */
function prose(text, tag = 'p') {
  return String(text ?? '')
    .split(/\n{2,}/)
    .map((para) =>
      h(
        tag,
        {},
        para.split(/(`[^`]+`)/).map((part) => (/^`[^`]+`$/.test(part) ? h('code', {}, part.slice(1, -1)) : part)),
      ),
    );
}

/** A schema, following `$ref` into the document's components. */
function resolve(doc, schema) {
  const ref = schema?.$ref;
  if (!ref) return schema ?? {};
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node, key) => node?.[key], doc);
}

function typeOf(schema) {
  if (!schema) return '';
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf || schema.oneOf) return (schema.anyOf ?? schema.oneOf).map(typeOf).join(' | ');
  if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
  return Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'bất kỳ');
}

function constraints(schema) {
  const out = [];
  if (schema.pattern) out.push(`mẫu ${schema.pattern}`);
  if (schema.format) out.push(`định dạng ${schema.format}`);
  if (schema.minLength !== undefined) out.push(`ít nhất ${schema.minLength} ký tự`);
  if (schema.maxLength !== undefined) out.push(`tối đa ${schema.maxLength} ký tự`);
  if (schema.minimum !== undefined) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) out.push(`≤ ${schema.maximum}`);
  if (schema.maxItems !== undefined) out.push(`tối đa ${schema.maxItems} phần tử`);
  return out.join('; ');
}

/** Rows of a schema's fields, nested objects flattened with dotted names. */
function fieldRows(doc, schema, prefix = '', depth = 0) {
  const s = resolve(doc, schema);
  const rows = [];
  const required = new Set(s.required ?? []);
  for (const [name, raw] of Object.entries(s.properties ?? {})) {
    const prop = resolve(doc, raw);
    const full = `${prefix}${name}`;
    rows.push(
      h(
        'tr',
        {},
        h('td', {}, h('code', {}, full)),
        h('td', {}, typeOf(prop)),
        h('td', {}, required.has(name) ? 'Bắt buộc' : 'Không bắt buộc'),
        h('td', {}, constraints(prop)),
      ),
    );
    if (depth < 3 && prop.type === 'object') rows.push(...fieldRows(doc, prop, `${full}.`, depth + 1));
    if (depth < 3 && prop.type === 'array' && resolve(doc, prop.items).type === 'object') {
      rows.push(...fieldRows(doc, prop.items, `${full}[].`, depth + 1));
    }
  }
  return rows;
}

function table(caption, head, rows) {
  return h(
    'table',
    { className: 'api-table' },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

function example(value, label) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return h(
    'figure',
    { className: 'api-example' },
    h('figcaption', {}, label),
    h('pre', { tabindex: '0' }, h('code', {}, text)),
  );
}

function parametersOf(op) {
  if (!op.parameters?.length) return [];
  const where = { path: 'đường dẫn', query: 'tham số truy vấn', header: 'tiêu đề (header)' };
  return [
    table(
      'Tham số',
      ['Tên', 'Vị trí', 'Kiểu', 'Mô tả'],
      op.parameters.map((p) =>
        h(
          'tr',
          {},
          h('td', {}, h('code', {}, p.name), p.required ? ' (bắt buộc)' : ''),
          h('td', {}, where[p.in] ?? p.in),
          h('td', {}, typeOf(p.schema)),
          h('td', {}, p.description ?? '', p.example !== undefined ? ` Ví dụ: ${p.example}` : ''),
        ),
      ),
    ),
  ];
}

function requestBodyOf(doc, op) {
  const content = op.requestBody?.content;
  if (!content) return [];
  return Object.entries(content).flatMap(([type, media]) => {
    const rows = fieldRows(doc, media.schema);
    return [
      h('h3', {}, 'Dữ liệu gửi lên ', h('code', {}, type)),
      rows.length
        ? table('Các trường', ['Trường', 'Kiểu', 'Bắt buộc', 'Ràng buộc'], rows)
        : h('p', {}, 'Không có trường nào.'),
      media.example !== undefined ? example(media.example, 'Ví dụ') : null,
    ];
  });
}

function responsesOf(op) {
  return [
    h('h3', {}, 'Kết quả và lỗi'),
    h(
      'dl',
      { className: 'api-responses' },
      Object.entries(op.responses ?? {}).flatMap(([status, res]) => [
        h('dt', { className: Number(status) >= 400 ? 'api-status api-status--error' : 'api-status' }, status),
        h(
          'dd',
          {},
          prose(res.description),
          Object.entries(res.content ?? {}).map(([type, media]) =>
            media.example !== undefined ? example(media.example, `Ví dụ (${type})`) : null,
          ),
        ),
      ]),
    ),
  ];
}

function operationOf(doc, path, method, op) {
  const anchor = op.operationId;
  return h(
    'details',
    { className: 'api-op', id: anchor, 'data-search': `${method} ${path} ${op.summary ?? ''}`.toLowerCase() },
    h(
      'summary',
      {},
      h('span', { className: `api-method api-method--${method}` }, method.toUpperCase()),
      ' ',
      h('code', { className: 'api-path' }, path),
      ' ',
      h('span', { className: 'api-summary' }, op.summary ?? ''),
    ),
    prose(op.description),
    parametersOf(op),
    requestBodyOf(doc, op),
    responsesOf(op),
  );
}

function render(doc) {
  $('api-title').textContent = doc.info?.title ?? 'Tài liệu API';
  $('api-description').replaceChildren(...prose(doc.info?.description, 'span'));
  const groups = new Map((doc.tags ?? []).map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Khác';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push(operationOf(doc, path, method, op));
    }
  }
  const sections = [];
  const links = [];
  let n = 0;
  for (const [name, ops] of groups) {
    if (!ops.length) continue;
    const id = `nhom-${++n}`;
    links.push(h('li', {}, h('a', { href: `#${id}` }, `${name} (${ops.length})`)));
    sections.push(h('section', { className: 'api-group', 'aria-labelledby': id }, h('h2', { id }, name), ops));
  }
  $('api-toc').replaceChildren(h('ul', {}, links));
  $('api-toc').hidden = false;
  $('api-groups').replaceChildren(...sections);
  const count = sections.reduce((sum, s) => sum + s.querySelectorAll('details').length, 0);
  $('api-status').textContent = `${count} đường dẫn.`;
}

function filter(term) {
  const t = term.trim().toLowerCase();
  for (const op of document.querySelectorAll('.api-op')) op.hidden = t !== '' && !op.dataset.search.includes(t);
  for (const group of document.querySelectorAll('.api-group')) {
    group.hidden = group.querySelectorAll('.api-op:not([hidden])').length === 0;
  }
}

async function main() {
  let doc;
  try {
    const res = await fetch(DOCUMENT, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(String(res.status));
    doc = await res.json();
  } catch {
    $('api-status').textContent = 'Không tải được tài liệu API. Vui lòng tải lại trang sau ít phút.';
    return;
  }
  render(doc);
  $('api-search').addEventListener('input', (e) => filter(e.target.value));
  if (location.hash) document.getElementById(location.hash.slice(1))?.setAttribute('open', '');
}

main();
