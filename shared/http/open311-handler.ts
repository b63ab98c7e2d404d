/**
 * The one way an Open311 function is built, beside `httpHandler` for the v1 API: the format comes
 * from the resource's suffix (`.json` / `.xml`), a POST body is form-encoded as GeoReport v2 says,
 * and every error leaves in the standard's error format, in the format the client asked for.
 */
import middy from '@middy/core';
import type { FormFields, Open311Format } from '../app/open311.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { type HttpEvent, type HttpResult, readRaw } from './handler.ts';
import { type Open311Root, open311ErrorResponse, open311Response } from './open311-format.ts';

export interface Open311HttpRequest {
  format: Open311Format;
  /** Path parameters without the format suffix: `requests/QNG-26-7KQ4MX.xml` → `QNG-26-7KQ4MX`. */
  params: Record<string, string>;
  query: Record<string, string>;
  /** A POST's form fields; a repeated field is a list. */
  form: FormFields;
  headers: Record<string, string>;
  now: Date;
}

export interface Open311Reply {
  status?: number;
  root: Open311Root;
  body: unknown;
  headers?: Record<string, string>;
}

const SUFFIX = /\.(json|xml)$/;

/** The format the path asks for; API Gateway matches `{id}` to a whole segment, suffix included. */
export function formatOf(path: string | undefined): Open311Format | undefined {
  return SUFFIX.exec(path ?? '')?.[1] as Open311Format | undefined;
}

export function open311Handler(run: (req: Open311HttpRequest) => Promise<Open311Reply>) {
  return middy<HttpEvent, HttpResult>()
    .use({
      onError: async (request) => {
        request.response = open311ErrorResponse(request.error, formatOf(request.event.rawPath) ?? 'json');
      },
    })
    .handler(async (event) => {
      const reply = await run(parseRequest(event));
      return open311Response(
        reply.status ?? 200,
        formatOf(event.rawPath) ?? 'json',
        reply.root,
        reply.body,
        reply.headers,
      );
    });
}

function parseRequest(event: HttpEvent): Open311HttpRequest {
  const format = formatOf(event.rawPath);
  if (!format) throw notFound('Không tìm thấy: tài nguyên Open311 phải kết thúc bằng .json hoặc .xml.');
  const { headers, rawBody } = readRaw(event);
  const form: FormFields = {};
  if (rawBody) {
    if (!/^application\/x-www-form-urlencoded\b/i.test(headers['content-type'] ?? '')) {
      throw new DomainError(
        'validation',
        'unsupported_media_type',
        'Chỉ nhận dữ liệu dạng application/x-www-form-urlencoded (Open311 GeoReport v2).',
      );
    }
    for (const [k, v] of new URLSearchParams(rawBody)) {
      const seen = form[k];
      form[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
    }
  }
  const params = Object.fromEntries(
    Object.entries(event.pathParameters ?? {}).map(([k, v]) => [k, (v ?? '').replace(SUFFIX, '')]),
  );
  return {
    format,
    params,
    query: Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).map(([k, v]) => [k, v ?? ''])),
    form,
    headers,
    now: new Date(event.requestContext?.timeEpoch ?? Date.now()),
  };
}
