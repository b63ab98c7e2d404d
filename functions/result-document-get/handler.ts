import { appDeps } from '../../shared/adapters/deps.ts';
import { files } from '../../shared/adapters/file-deps.ts';
import { resultDocumentLink } from '../../shared/app/attachments.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';

const deps = appDeps(files);

/** `GET /v1/cases/{code}/result-documents/{id}`: a five-minute link to a result document of a published answer. */
export const handler = httpHandler({ access: 'public' }, async ({ params, now }) =>
  json(200, await resultDocumentLink(deps, params.code ?? '', params.id ?? '', now)),
);
