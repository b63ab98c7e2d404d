import { appDeps } from '../../shared/adapters/deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { rateAsSender } from '../../shared/app/rating.ts';
import { ratingRequest } from '../../shared/domain/rating.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';

const deps = appDeps(secrets, mail);

/**
 * `POST /v1/cases/{code}/rating`: the sender rates the answer, proving who they are with the mail
 * link's token or the phone/email given at submission. Public, so it sits under the public write
 * throttle; a bad link is refused before the table is read, and a resent rating writes nothing.
 */
export const handler = httpHandler({ access: 'public', body: ratingRequest }, async ({ params, body, now }) =>
  json(200, await rateAsSender(deps, params.code ?? '', body, now)),
);
