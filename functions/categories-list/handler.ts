import { appDeps } from '../../shared/adapters/deps.ts';
import { listCategories } from '../../shared/app/queries.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps();

/** `GET /v1/categories`: lĩnh vực for the form's picker. */
export const handler = httpHandler({ access: 'public' }, async ({ now }) =>
  json(200, { categories: await listCategories(deps, now) }, { 'cache-control': 'public, max-age=300' }),
);
