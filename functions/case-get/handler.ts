import { appDeps } from '../../shared/adapters/deps.ts';
import { getCase } from '../../shared/app/queries.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps();

/** `GET /v1/cases/{code}`: public tracking view, or the full view with a staff token. */
export const handler = httpHandler({ access: 'optional-jwt' }, async ({ params, actor, now }) =>
  json(200, await getCase(deps, params.code ?? '', actor, now)),
);
