import { appDeps } from '../../shared/adapters/deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { recordCallerRating } from '../../shared/app/rating.ts';
import { callerRatingInput } from '../../shared/domain/rating.ts';
import { httpHandler, json, requireActor } from '../../shared/http/handler.ts';

const deps = appDeps(secrets, mail);

/** `POST /v1/hotline/calls/{code}/rating`: the operator records the caller's rating at the end of a call. */
export const handler = httpHandler({ access: 'jwt', roles: ['operator'], body: callerRatingInput }, async (req) =>
  json(200, await recordCallerRating(deps, req.params.code ?? '', req.body, requireActor(req), req.now)),
);
