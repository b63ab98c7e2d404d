import { appDeps } from '../../shared/adapters/deps.ts';
import { overdueMonitor, parseMonitorQuery } from '../../shared/app/monitor.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps();

/** `GET /v1/monitor/overdue?agencyId=&bucket=`: overdue cases by agency, aged in working days. */
export const handler = httpHandler({ access: 'jwt', roles: ['coordinator'] }, async ({ query, now }) =>
  json(200, await overdueMonitor(deps, parseMonitorQuery(query), now)),
);
