import { mail } from '../../shared/adapters/mail-deps.ts';
import { open311Deps } from '../../shared/adapters/open311-key-store.ts';
import { secrets } from '../../shared/adapters/secret-deps.ts';
import { open311Receipt, submitOpen311Request } from '../../shared/app/open311.ts';
import { open311Handler } from '../../shared/http/open311-handler.ts';

const deps = open311Deps(secrets, mail);

/** `POST /open311/v2/requests.{json|xml}`: an Open311 client files a PAKN on the web channel (api_key required). */
export const handler = open311Handler(async ({ form, headers, now }) => {
  const { case: c, replayed } = await submitOpen311Request(deps, form, headers['idempotency-key'], now);
  return { status: replayed ? 200 : 201, root: 'service_requests', body: open311Receipt(c) };
});
