/**
 * The OpenAPI description: valid OpenAPI 3.1 by a real validator, exactly the routes of the router,
 * and built from the very zod schemas the handlers validate with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PROJECT_ROOT } from '../../../infra/aws/constructs/pakn-function.ts';
import { ROUTES } from '../../../infra/routes.ts';
import * as directoryAdmin from '../../../shared/app/directory-admin.ts';
import * as open311 from '../../../shared/app/open311.ts';
import * as open311Keys from '../../../shared/app/open311-keys.ts';
import * as calendar from '../../../shared/calendar/index.ts';
import * as escalation from '../../../shared/domain/escalation.ts';
import * as rating from '../../../shared/domain/rating.ts';
import * as schemas from '../../../shared/domain/schemas.ts';
import { describedRoutes, jsonSchemaOf, openApiDocument } from '../../../shared/http/openapi.ts';
import { ROUTE_DOCS, type RouteDoc } from '../../../shared/http/openapi-docs.ts';
import * as sla from '../../../shared/sla/policy.ts';

type Json = Record<string, any>;
const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options'];
const keyOf = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

let doc: Json;
beforeAll(() => {
  doc = openApiDocument(ROUTES);
});

/** `METHOD path` of every operation in the document. */
const operations = (d: Json): string[] =>
  Object.entries(d.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );

const op = (route: { method: string; path: string }): Json => doc.paths[route.path][route.method.toLowerCase()];

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document, and every $ref resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('lists every route of the router and nothing else', () => {
    expect(operations(doc).sort()).toEqual(ROUTES.map(keyOf).sort());
  });

  it('has a hand-written description for every route, and none for a route that does not exist', () => {
    expect(describedRoutes(ROUTES)).toEqual({ undescribed: [], stale: [] });
    expect(JSON.stringify(doc)).not.toContain('x-pakn-undescribed');
  });

  it('still lists a route nobody described (marked), and never a description without a route', async () => {
    const extra = { method: 'GET' as const, path: '/v1/not-described/{id}', fn: 'x', access: 'jwt' as const };
    const withExtra: Json = openApiDocument([...ROUTES, extra]);
    expect(operations(withExtra).sort()).toEqual([...ROUTES, extra].map(keyOf).sort());
    expect(withExtra.paths['/v1/not-described/{id}'].get).toMatchObject({
      'x-pakn-undescribed': true,
      security: [{ staffJwt: [] }],
    });
    expect((await new Validator().validate(withExtra)).valid).toBe(true);
    expect(describedRoutes([...ROUTES, extra]).undescribed).toEqual(['GET /v1/not-described/{id}']);

    const fewer = ROUTES.filter((r) => keyOf(r) !== 'GET /v1/categories');
    expect(operations(openApiDocument(fewer))).not.toContain('GET /v1/categories');
    expect(describedRoutes(fewer).stale).toEqual(['GET /v1/categories']);
  });

  it('is what GET /v1/openapi.json serves', async () => {
    const { handler } = await import('../../../functions/openapi/handler.ts');
    const res = (await handler({ rawPath: '/v1/openapi.json', headers: {} } as any, {} as any)) as Json;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual(doc);
  });

  it('says who may call each route: access, roles, security and the 401/403 that follow', () => {
    for (const route of ROUTES) {
      const o = op(route);
      expect(o['x-pakn-access'], keyOf(route)).toBe(route.access);
      expect(o['x-pakn-function'], keyOf(route)).toBe(route.fn);
      expect(o['x-pakn-roles'] ?? [], keyOf(route)).toEqual(route.roles ?? []);
      const security = JSON.stringify(o.security);
      if (route.access === 'jwt') {
        expect(o.security).toEqual([{ staffJwt: [] }]);
        expect(o.responses['401'], keyOf(route)).toBeDefined();
      }
      if (route.access === 'public') expect(o.security).toEqual([]);
      if (route.access === 'hmac') expect(security).toContain('vpcpSignature');
      if (route.roles?.length) {
        expect(o.responses['403'], keyOf(route)).toBeDefined();
        for (const role of route.roles) expect(o.description, keyOf(route)).toContain(role);
      }
      expect(o.operationId).toMatch(/^[a-z][A-Za-z0-9]+$/);
    }
    const ids = ROUTES.map((r) => op(r).operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents the v1 error body on every error response, with a Vietnamese example', () => {
    for (const route of ROUTES.filter((r) => !r.path.startsWith('/open311/'))) {
      const errors = Object.entries(op(route).responses as Json).filter(([s]) => Number(s) >= 400);
      for (const [status, res] of errors) {
        const media = res.content['application/json'];
        expect(media.schema, `${keyOf(route)} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
        expect(media.example.error.message).toMatch(/[à-ỹđĐ]/);
      }
    }
  });

  it('gives every body route its 400/413/415/422 and every operation a Vietnamese summary', () => {
    for (const route of ROUTES) {
      const o = op(route);
      expect(o.summary, keyOf(route)).toMatch(/[à-ỹđĐ]/);
      if (o.requestBody?.content['application/json']) {
        for (const s of ['400', '413', '415', '422']) expect(o.responses[s], `${keyOf(route)} ${s}`).toBeDefined();
      }
      const success = Object.keys(o.responses).filter((s) => Number(s) < 400);
      expect(success, keyOf(route)).toHaveLength(1);
    }
  });
});

describe('one source of truth: the handlers’ zod schemas', () => {
  const described = Object.entries(ROUTE_DOCS).filter(
    (e): e is [string, RouteDoc & { body: NonNullable<RouteDoc['body']> }] => Boolean(e[1].body),
  );

  it.each(described)('%s: the request schema is the JSON Schema of the zod schema', (key, d) => {
    const route = ROUTES.find((r) => keyOf(r) === key) as (typeof ROUTES)[number];
    expect(op(route).requestBody.content['application/json'].schema).toEqual({
      $ref: `#/components/schemas/${d.body.name}`,
    });
    expect(doc.components.schemas[d.body.name]).toEqual(jsonSchemaOf(d.body.schema));
  });

  it.each(described)('%s: its example passes the schema the handler validates with', (_key, d) => {
    const parsed = d.body.schema.safeParse(d.body.example);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  // The schema modules handlers import their body schemas from; a handler's `body: <name>` must be
  // the object the description shows.
  const exported = new Map<string, unknown>(
    [schemas, escalation, rating, directoryAdmin, sla, open311Keys, calendar].flatMap((m) => Object.entries(m)),
  );
  /** Handlers whose body is checked inside the use case, with the schema the description shows. */
  const VALIDATED_IN_USE_CASE: Record<string, string> = {
    'PUT /v1/admin/calendar/{year}': 'calendarYearSchema',
  };

  it.each(described)('%s: the handler validates with that very schema object', (key, d) => {
    const route = ROUTES.find((r) => keyOf(r) === key) as (typeof ROUTES)[number];
    const source = readFileSync(join(PROJECT_ROOT, 'functions', route.fn, 'handler.ts'), 'utf8');
    const name = VALIDATED_IN_USE_CASE[key] ?? /\bbody:\s*([A-Za-z_$][\w$]*)\s*[,}]/.exec(source)?.[1];
    expect(name, `${route.fn}: no \`body: <schema>\``).toBeDefined();
    expect(exported.get(name as string), `${route.fn} validates with ${name}`).toBe(d.body.schema);
  });

  it('shows a field added to a schema without any other change', () => {
    const key = 'POST /v1/cases';
    const base = ROUTE_DOCS[key] as RouteDoc & { body: NonNullable<RouteDoc['body']> };
    const extended = (schemas.webSubmission as z.ZodObject<z.ZodRawShape>).extend({ zaloId: z.string().max(50) });
    const d: Json = openApiDocument(ROUTES, {
      ...ROUTE_DOCS,
      [key]: { ...base, body: { ...base.body, schema: extended } },
    });
    expect(d.components.schemas.WebSubmission.properties.zaloId).toEqual({ type: 'string', maxLength: 50 });
    expect(doc.components.schemas.WebSubmission.properties.zaloId).toBeUndefined();
    expect(doc.components.schemas.WebSubmission.required).toEqual(
      expect.arrayContaining(['kind', 'title', 'content', 'submitter', 'consent']),
    );
  });

  it('describes the Open311 form with the schema the use case parses it with', () => {
    const route = { method: 'POST', path: '/open311/v2/requests.json' };
    const o = op(route);
    expect(o.requestBody.content['application/x-www-form-urlencoded'].schema).toEqual({
      $ref: '#/components/schemas/Open311RequestForm',
    });
    expect(doc.components.schemas.Open311RequestForm).toEqual(jsonSchemaOf(open311.open311RequestForm));
    expect(doc.components.schemas.Open311RequestForm.required).toEqual(['api_key', 'service_code']);
    const example = o.requestBody.content['application/x-www-form-urlencoded'].example;
    expect(open311.open311RequestForm.safeParse(example).success).toBe(true);
  });

  it('gives the Open311 routes examples that match the response schemas, in JSON and XML', () => {
    for (const route of ROUTES.filter((r) => r.path.startsWith('/open311/'))) {
      const d = ROUTE_DOCS[keyOf(route)] as RouteDoc;
      const [status, res] = Object.entries(op(route).responses as Json).find(([s]) => Number(s) < 400) as [
        string,
        Json,
      ];
      expect(Number(status)).toBe(d.response.status);
      expect(d.response.schema?.safeParse(d.response.example).success, keyOf(route)).toBe(true);
      const types = Object.keys(res.content);
      if (route.path.endsWith('.json')) expect(types).toEqual(['application/json']);
      else if (route.path.endsWith('.xml')) expect(types).toEqual(['text/xml']);
      else expect(types).toEqual(['application/json', 'text/xml']);
      if (res.content['text/xml'])
        expect(res.content['text/xml'].example).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n</);
      for (const [status, e] of Object.entries(op(route).responses as Json).filter(([s]) => Number(s) >= 400)) {
        const json = e.content['application/json'];
        if (json) {
          expect(json.schema).toEqual({ $ref: '#/components/schemas/Open311Errors' });
          for (const item of json.example)
            expect(item).toEqual({ code: Number(status), description: expect.any(String) });
        }
        if (e.content['text/xml']) expect(e.content['text/xml'].example).toContain('<errors><error><code>');
      }
    }
  });
});

describe('API reference page', () => {
  const html = readFileSync(join(PROJECT_ROOT, 'web/api.html'), 'utf8');

  it('loads its script and styles from the site itself: no CDN, nothing inline (the CSP forbids it)', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(body?.trim()).toBe('');
      expect(attrs).toMatch(/src="assets\/[\w-]+\.js"/);
    }
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const [, file] of html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)) {
      expect(() => readFileSync(join(PROJECT_ROOT, 'web', file as string)), file).not.toThrow();
    }
  });

  it('is in Vietnamese and reads the document the API serves', () => {
    expect(html).toMatch(/<html lang="vi">/);
    const js = readFileSync(join(PROJECT_ROOT, 'web/assets/api.js'), 'utf8');
    expect(js).toContain('/v1/openapi.json');
    expect(js).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);
  });
});
