import * as z from 'zod';
import { appDeps } from '../../shared/adapters/deps.ts';
import { putCalendarYear } from '../../shared/app/admin.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps();

/** `PUT /v1/admin/calendar/{year}`: enter a year's official holiday notice. */
export const handler = httpHandler(
  { access: 'jwt', roles: ['admin'], body: z.record(z.string(), z.unknown()) },
  async (req) => {
    const item = await putCalendarYear(deps, req.params.year ?? '', req.body, requireActor(req), req.ifMatch, req.now);
    return json(200, item, { etag: `"${item.version}"` });
  },
);
