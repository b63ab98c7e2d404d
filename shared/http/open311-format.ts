/**
 * GeoReport v2 on the wire: the same document as JSON or as XML (the client picks with the
 * resource's suffix), and errors in the standard's own shape, `[{"code", "description"}]` or
 * `<errors><error><code/><description/></error></errors>`, never the v1 API's error body.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Open311Format } from '../app/open311.ts';
import { Open311RateLimited } from '../app/open311-keys.ts';
import { errorResponse } from './responses.ts';

export const OPEN311_CONTENT_TYPE: Record<Open311Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** The root element of each GeoReport v2 response document. */
export type Open311Root = 'services' | 'service_definition' | 'service_requests' | 'errors';

/** In XML a list is an element holding one element per item; these are the items' names. */
const ITEM_ELEMENT: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  errors: 'error',
};

// Characters XML 1.0 cannot carry at all, even escaped (C0 controls but tab/LF/CR, lone surrogates,
// U+FFFE/U+FFFF). Input validation refuses them already; this keeps any stored text well formed.
const NOT_XML_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding those characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text content of an element: markup characters escaped, characters XML cannot hold dropped. */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function element(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_ELEMENT[name];
    if (!item) throw new Error(`open311 xml: no item element for the list ${name}`);
    return `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => element(k, v))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A GeoReport v2 XML document: the UTF-8 declaration, then the root element. */
export function toOpen311Xml(root: Open311Root, body: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, body)}`;
}

export function open311Response(
  status: number,
  format: Open311Format,
  root: Open311Root,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': OPEN311_CONTENT_TYPE[format], 'cache-control': 'no-store', ...headers },
    body: format === 'json' ? JSON.stringify(body) : toOpen311Xml(root, body),
  };
}

export interface Open311Error {
  code: number;
  description: string;
}

/**
 * Any error as the standard's error list. Statuses come from the one domain-error mapping
 * (`responses.ts`), except that invalid fields are the standard's 400, not 422; each invalid field
 * is one error naming it.
 */
export function open311Errors(e: unknown): { status: number; errors: Open311Error[]; headers: Record<string, string> } {
  const base = errorResponse(e);
  const status = base.statusCode === 422 ? 400 : (base.statusCode ?? 500);
  const { error } = JSON.parse(String(base.body)) as {
    error: { message: string; fields?: Array<{ field: string; message: string }> };
  };
  const errors = error.fields?.length
    ? error.fields.map((f) => ({
        code: status,
        description: f.message.startsWith(f.field) ? f.message : `${f.field}: ${f.message}`,
      }))
    : [{ code: status, description: error.message }];
  const headers: Record<string, string> =
    e instanceof Open311RateLimited ? { 'retry-after': String(e.retryAfterSeconds) } : {};
  return { status, errors, headers };
}

export function open311ErrorResponse(e: unknown, format: Open311Format): APIGatewayProxyStructuredResultV2 {
  const { status, errors, headers } = open311Errors(e);
  return open311Response(status, format, 'errors', errors, headers);
}
