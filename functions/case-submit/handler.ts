import { appDeps } from '../../shared/adapters/deps.ts';
import { files } from '../../shared/adapters/file-deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { idempotencyKey, submitWebCase } from '../../shared/app/channels.ts';
import { webSubmission } from '../../shared/domain/schemas.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { intakeResponse } from '../../shared/http/intake-response.ts';

const deps = appDeps(secrets, mail, files);

/** `POST /v1/cases`: the citizen web form. */
export const handler = httpHandler({ access: 'public', body: webSubmission }, async ({ body, headers, now }) =>
  intakeResponse(await submitWebCase(deps, body, idempotencyKey(headers['idempotency-key']), now)),
);
