import type { S3Event } from 'aws-lambda';
import { appDeps } from '../../shared/adapters/deps.ts';
import { files } from '../../shared/adapters/file-deps.ts';
import { type CheckOutcome, checkUpload } from '../../shared/app/attachments.ts';

const deps = appDeps(files);

/**
 * `upload-check`: S3 `ObjectCreated` under `quarantine/` on AWS (see `STORAGE_TRIGGERS` in
 * infra/routes.ts); the local upload target calls it right after writing a file. A failure throws,
 * so Lambda's asynchronous retries run the check again (it is repeatable).
 */
export async function handler(event: Pick<S3Event, 'Records'>): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const record of event.Records) {
    // S3 event keys are form-encoded.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    outcomes.push(await checkUpload(deps, key, new Date(record.eventTime)));
  }
  return outcomes;
}
