import { ROUTES } from '../../infra/routes.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { openApiDocument } from '../../shared/http/openapi.ts';
import { json } from '../../shared/http/responses.ts';

// Built once per cold start: the document depends only on the deployed code.
const document = openApiDocument(ROUTES);

/** `GET /v1/openapi.json`: the OpenAPI 3.1 description of every route this API serves. */
export const handler = httpHandler({ access: 'public' }, async () =>
  json(200, document, { 'cache-control': 'public, max-age=300' }),
);
