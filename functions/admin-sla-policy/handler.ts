import { appDeps } from '../../shared/adapters/deps.ts';
import { putSlaPolicy } from '../../shared/app/directory-admin.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';
import { slaPolicySchema } from '../../shared/sla/policy.ts';

const deps = appDeps();

/** `PUT /v1/admin/sla-policy`: deadlines per step; steps already running keep theirs. */
export const handler = httpHandler({ access: 'jwt', roles: ['admin'], body: slaPolicySchema }, async (req) => {
  const item = await putSlaPolicy(deps, req.body, requireActor(req), req.ifMatch, req.now);
  return json(200, item, { etag: `"${item.version}"` });
});
