/**
 * The shape every staff action on a case shares: `POST /v1/cases/{code}/<action>` with a body,
 * `If-Match` honoured, one domain transition applied, the full view returned.
 */
import type { z } from 'zod';
import { appDeps } from '../adapters/deps.ts';
import { mail } from '../adapters/mail-deps.ts';
import { secrets } from '../adapters/secret-deps.ts';
import { actOnCase, type Transition } from '../app/case-actions.ts';
import { fullView } from '../app/views.ts';
import type { Role } from '../domain/actor.ts';
import { httpHandler, requireActor } from './handler.ts';
import { json } from './responses.ts';

export function caseActionHandler<S extends z.ZodType>(
  options: { roles: Role[]; body: S },
  transition: (input: z.output<S>) => Transition,
) {
  const deps = appDeps(secrets, mail);
  return httpHandler({ access: 'jwt', roles: options.roles, body: options.body }, async (req) => {
    const c = await actOnCase(
      deps,
      req.params.code ?? '',
      requireActor(req),
      req.ifMatch,
      transition(req.body as z.output<S>),
      req.now,
    );
    return json(200, fullView(c, req.now), { etag: `"${c.version}"` });
  });
}
