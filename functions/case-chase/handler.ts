import { appDeps } from '../../shared/adapters/deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { chaseNow } from '../../shared/app/escalation.ts';
import { fullView } from '../../shared/app/views.ts';
import { chaseInput } from '../../shared/domain/escalation.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps(secrets, mail);

/** `POST /v1/cases/{code}/chase`: VPUB has the agency head mailed at once (recorded in the history). */
export const handler = httpHandler({ access: 'jwt', roles: ['coordinator'], body: chaseInput }, async (req) => {
  const c = await chaseNow(deps, req.params.code ?? '', requireActor(req), req.body, req.ifMatch, req.now);
  return json(200, fullView(c, req.now), { etag: `"${c.version}"` });
});
