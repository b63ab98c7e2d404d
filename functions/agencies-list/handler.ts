import { appDeps } from '../../shared/adapters/deps.ts';
import { listAgencies } from '../../shared/app/queries.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps();

/** `GET /v1/agencies`: agencies in force and the communes (localities). */
export const handler = httpHandler({ access: 'public' }, async ({ now }) =>
  json(200, await listAgencies(deps, now), { 'cache-control': 'public, max-age=300' }),
);
