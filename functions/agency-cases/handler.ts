import { appDeps } from '../../shared/adapters/deps.ts';
import { listAgencyCases } from '../../shared/app/queries.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps();

/** `GET /v1/agency/cases?status=&cursor=`: the officer's own agency queue, earliest deadline first. */
export const handler = httpHandler({ access: 'jwt', roles: ['officer'] }, async (req) =>
  json(200, await listAgencyCases(deps, requireActor(req), req.query, req.now)),
);
