/**
 * The `files` wiring (see deps.ts), in the functions FILE_ACCESS lets into the attachment bucket:
 * the local directory when the local stack set one, else the bucket when deployed with one.
 */
import type { Wiring } from './deps.ts';
import { localFileStoreFromConfig } from './local-files.ts';
import { S3FileStore, s3Client } from './s3-files.ts';

export const files: Wiring = (cfg) => {
  const local = localFileStoreFromConfig(cfg);
  if (local) return { files: local };
  return cfg.ATTACHMENTS_BUCKET
    ? { files: new S3FileStore(s3Client({ region: cfg.AWS_REGION }), cfg.ATTACHMENTS_BUCKET) }
    : {};
};
