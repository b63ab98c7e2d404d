import { appDeps } from '../../shared/adapters/deps.ts';
import { open311Request, open311Requests } from '../../shared/app/open311.ts';
import { open311Handler } from '../../shared/http/open311-handler.ts';

const deps = appDeps();

/**
 * `GET /open311/v2/requests.{json|xml}` (search) and `GET /open311/v2/requests/{service_request_id}.{json|xml}`:
 * the public view of cases, never the sender.
 */
export const handler = open311Handler(async ({ params, query, now }) => ({
  root: 'service_requests',
  body:
    params.service_request_id === undefined
      ? await open311Requests(deps, query, now)
      : await open311Request(deps, params.service_request_id, query, now),
}));
