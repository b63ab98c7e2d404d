import { appDeps } from '../../shared/adapters/deps.ts';
import { files } from '../../shared/adapters/file-deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { resolveWithDocuments } from '../../shared/app/case-actions.ts';
import { fullView } from '../../shared/app/views.ts';
import { resolveInput } from '../../shared/domain/schemas.ts';
import { httpHandler, json, requireActor } from '../../shared/http/handler.ts';

const deps = appDeps(secrets, mail, files);

/**
 * `POST /v1/cases/{code}/resolve`: the agency's answer, published or not, with any result documents;
 * the sender gets it by mail.
 */
export const handler = httpHandler({ access: 'jwt', roles: ['officer'], body: resolveInput }, async (req) => {
  const c = await resolveWithDocuments(deps, req.params.code ?? '', req.body, requireActor(req), req.ifMatch, req.now);
  return json(200, fullView(c, req.now), { etag: `"${c.version}"` });
});
