import { appDeps } from '../../shared/adapters/deps.ts';
import { files } from '../../shared/adapters/file-deps.ts';
import { attachmentLink } from '../../shared/app/attachments.ts';
import { httpHandler, requireActor } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps(files);

/** `GET /v1/cases/{code}/attachments/{id}`: a five-minute link to one file, for the staff handling the case. */
export const handler = httpHandler({ access: 'jwt', roles: ['coordinator', 'officer'] }, async (req) =>
  json(200, await attachmentLink(deps, req.params.code ?? '', req.params.id ?? '', requireActor(req), req.now)),
);
