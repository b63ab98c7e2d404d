import { appDeps } from '../../shared/adapters/deps.ts';
import { files } from '../../shared/adapters/file-deps.ts';
import { mail } from '../../shared/adapters/mail-deps.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { registerNationalItem } from '../../shared/app/vpcp.ts';
import { config } from '../../shared/config.ts';
import { vpcpItem } from '../../shared/domain/schemas.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { intakeResponse } from '../../shared/http/intake-response.ts';

const deps = appDeps(secrets, mail, files);

/**
 * `POST /v1/integrations/vpcp/items`: the national system pushes an item. The signature over the raw
 * body is checked before anything is parsed (401, nothing stored); the raw body is kept on the case.
 */
export const handler = httpHandler(
  { access: 'hmac', hmacSecret: config().VPCP_HMAC_SECRET, rawBody: true, body: vpcpItem },
  async ({ body, rawBody, now }) => intakeResponse(await registerNationalItem(deps, body, rawBody, now)),
);
