/**
 * What the Open311 suites share: a client key issued through the admin API, a form-encoded POST as
 * GeoReport v2 clients send it, and an XML reader that keeps every value as the text on the wire.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';
import type { ApiResponse, TestStack } from '../../support/stack.ts';

/** Elements the standard repeats inside a list; read as arrays even when there is one. */
const LIST_ITEMS = ['service', 'attribute', 'value', 'request', 'error'];
const parser = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (name) => LIST_ITEMS.includes(name) });

/** A well-formed GeoReport v2 XML document, parsed; values stay strings. */
export function parseXml(r: ApiResponse): any {
  expect(r.headers.get('content-type')).toBe('text/xml; charset=utf-8');
  expect(r.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  expect(XMLValidator.validate(r.text)).toBe(true);
  return parser.parse(r.text);
}

export function expectJson(r: ApiResponse): any {
  expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return r.json;
}

/** An error answer in the standard's format, JSON or XML: every item carries the HTTP status. */
export function errorsOf(r: ApiResponse, format: 'json' | 'xml'): Array<{ code: number; description: string }> {
  const list =
    format === 'json'
      ? expectJson(r)
      : (parseXml(r).errors.error as Array<{ code: string; description: string }>).map((e) => ({
          code: Number(e.code),
          description: e.description,
        }));
  expect(Array.isArray(list)).toBe(true);
  expect(list.length).toBeGreaterThan(0);
  for (const e of list) {
    expect(e).toEqual({ code: r.status, description: expect.any(String) });
    expect(e.description.length).toBeGreaterThan(0);
  }
  return list;
}

/** A key for an Open311 client, issued by an admin through `POST /v1/admin/open311-keys`. */
export async function issueKey(
  stack: TestStack,
  opts: { name?: string; ratePerMinute?: number } = {},
): Promise<{ id: string; apiKey: string }> {
  const admin = await stack.token('admin');
  const r = await stack.api('POST', '/v1/admin/open311-keys', {
    token: admin,
    body: { name: opts.name ?? 'Ứng dụng Open311 thử nghiệm', ratePerMinute: opts.ratePerMinute ?? 600 },
  });
  expect(r.status, r.text).toBe(201);
  return r.json;
}

/** `POST /open311/v2/requests.<format>`, form-encoded; a list value repeats the field. */
export function postRequest(
  stack: TestStack,
  format: 'json' | 'xml',
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) form.append(k, one);
  return stack.api('POST', `/open311/v2/requests.${format}`, {
    raw: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

let senders = 0;

/** A complete request a Vietnamese agency can receive: name, address, phone and email, content, consent. */
export const citizenRequest = (apiKey: string, over: Record<string, string | string[]> = {}) => ({
  api_key: apiKey,
  service_code: 'dat-dai',
  last_name: 'Trần Thị',
  first_name: 'Kiểm',
  address_string: 'Tổ 3, phường Cẩm Thành',
  phone: '0900000456',
  email: `kiem.open311.${Date.now().toString(36)}.${++senders}@example.com`,
  description:
    'Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại bộ phận một cửa từ tháng 7 nhưng đến nay chưa nhận được kết quả.',
  'attribute[consent]': 'true',
  ...over,
});

/** Text of the sender that must never appear in a public answer. */
export const PRIVATE_TEXT = ['Trần Thị', '0900000456', 'kiem.open311', 'Tổ 3', 'phường Cẩm Thành', 'bộ phận một cửa'];

/** GeoReport v2 datetimes: W3C / ISO 8601 with an offset. */
export const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
