import { appDeps } from '../../shared/adapters/deps.ts';
import { open311ServiceDefinition, open311Services } from '../../shared/app/open311.ts';
import { open311Handler } from '../../shared/http/open311-handler.ts';

const deps = appDeps();
const CACHE = { 'cache-control': 'public, max-age=300' };

/** `GET /open311/v2/services.{json|xml}` and `GET /open311/v2/services/{service_code}.{json|xml}`. */
export const handler = open311Handler(async ({ params, query, now }) =>
  params.service_code === undefined
    ? { root: 'services', body: await open311Services(deps, query, now), headers: CACHE }
    : {
        root: 'service_definition',
        body: await open311ServiceDefinition(deps, params.service_code, query, now),
        headers: CACHE,
      },
);
