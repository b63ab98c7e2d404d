import { appDeps } from '../../shared/adapters/deps.ts';
import { files } from '../../shared/adapters/file-deps.ts';
import { uploadStatus } from '../../shared/app/attachments.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { json } from '../../shared/http/responses.ts';

const deps = appDeps(files);

/** `GET /v1/uploads/{uploadId}`: whether an upload was checked clean, refused (and why) or is still waiting. */
export const handler = httpHandler({ access: 'public' }, async ({ params }) =>
  json(200, await uploadStatus(deps, params.uploadId ?? '')),
);
