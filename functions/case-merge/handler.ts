import { appDeps } from '../../shared/adapters/deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { mergeInto } from '../../shared/app/case-actions.ts';
import { fullView } from '../../shared/app/views.ts';
import { mergeInput } from '../../shared/domain/schemas.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps(secrets, mail);

/** `POST /v1/cases/{code}/merge`: link a duplicate to its original. */
export const handler = httpHandler({ access: 'jwt', roles: ['coordinator'], body: mergeInput }, async (req) => {
  const c = await mergeInto(deps, req.params.code ?? '', req.body.intoCode, requireActor(req), req.ifMatch, req.now);
  return json(200, fullView(c, req.now), { etag: `"${c.version}"` });
});
