import { appDeps } from '../../shared/adapters/deps.ts';
import { putRoutingRules, routingSettingsInput } from '../../shared/app/directory-admin.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps();

/** `PUT /v1/admin/routing-rules`: the routing rules and the auto-forward threshold. */
export const handler = httpHandler({ access: 'jwt', roles: ['admin'], body: routingSettingsInput }, async (req) => {
  const item = await putRoutingRules(deps, req.body, requireActor(req), req.ifMatch, req.now);
  return json(200, item, { etag: `"${item.version}"` });
});
