import { appDeps } from '../../shared/adapters/deps.ts';
import { listCases, parseCaseListQuery } from '../../shared/app/case-list.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps();

/** `GET /v1/cases?status=&agencyId=&channel=&categoryCode=&overdue=&from=&to=&q=&cursor=`: the province-wide list. */
export const handler = httpHandler({ access: 'jwt', roles: ['coordinator'] }, async ({ query, now }) =>
  json(200, await listCases(deps, parseCaseListQuery(query), now)),
);
