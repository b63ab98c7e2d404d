import { appDeps } from '../../shared/adapters/deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { idempotencyKey, logHotlineCall } from '../../shared/app/channels.ts';
import { hotlineCall } from '../../shared/domain/schemas.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { intakeResponse } from '../../shared/http/intake-response.ts';

const deps = appDeps(secrets, mail);

/** `POST /v1/hotline/calls`: an operator logs a call. */
export const handler = httpHandler({ access: 'jwt', roles: ['operator'], body: hotlineCall }, async (req) =>
  intakeResponse(
    await logHotlineCall(deps, req.body, idempotencyKey(req.headers['idempotency-key']), requireActor(req), req.now),
  ),
);
