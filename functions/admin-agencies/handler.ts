import { appDeps } from '../../shared/adapters/deps.ts';
import { putAgency } from '../../shared/app/directory-admin.ts';
import { agencyInput } from '../../shared/domain/schemas.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps();

/** `PUT /v1/admin/agencies/{id}`: a directory entry; an agency no longer in force hands its open cases on. */
export const handler = httpHandler({ access: 'jwt', roles: ['admin'], body: agencyInput }, async (req) => {
  const result = await putAgency(deps, req.params.id ?? '', req.body, requireActor(req), req.ifMatch, req.now);
  return json(200, result, { etag: `"${result.version}"` });
});
