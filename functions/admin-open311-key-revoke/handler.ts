import { open311Deps } from '../../shared/adapters/open311-key-store.ts';
import { revokeOpen311Key } from '../../shared/app/open311-keys.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = open311Deps();

/** `DELETE /v1/admin/open311-keys/{id}`: the key is refused from its next request on. */
export const handler = httpHandler({ access: 'jwt', roles: ['admin'] }, async (req) =>
  json(200, await revokeOpen311Key(deps, req.params.id ?? '', requireActor(req), req.now)),
);
