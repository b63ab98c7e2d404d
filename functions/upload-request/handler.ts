import { appDeps } from '../../shared/adapters/deps.ts';
import { files } from '../../shared/adapters/file-deps.ts';
import { requestUpload } from '../../shared/app/attachments.ts';
import { uploadRequest } from '../../shared/domain/schemas.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps(files);

/** `POST /v1/uploads`: a presigned slot for one attachment; the browser then posts the file to storage. */
export const handler = httpHandler({ access: 'public', body: uploadRequest }, async ({ body, now }) =>
  json(201, await requestUpload(deps, body, now)),
);
