import { open311Deps } from '../../shared/adapters/open311-key-store.ts';
import { createOpen311Key, open311KeyInput } from '../../shared/app/open311-keys.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = open311Deps();

/** `POST /v1/admin/open311-keys`: issue a key to an Open311 client; the key is in this answer only. */
export const handler = httpHandler({ access: 'jwt', roles: ['admin'], body: open311KeyInput }, async (req) =>
  json(201, await createOpen311Key(deps, req.body, requireActor(req), req.now)),
);
