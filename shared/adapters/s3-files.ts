/**
 * The FileStore on the private attachment bucket. The bucket's default encryption (KMS) applies to
 * every write; uploads come straight from the browser through a presigned POST whose policy pins the
 * key, the exact size, the content type and the file-name metadata; downloads are presigned GETs
 * that make the browser save the file rather than render it.
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStore, StoredObject } from '../app/ports.ts';
import { attachmentDisposition } from '../domain/attachments.ts';

export function s3Client(opts: { region: string }): S3Client {
  return new S3Client({ region: opts.region });
}

const missing = (e: unknown): boolean => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404;
};

export class S3FileStore implements FileStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async presignUpload(slot: Parameters<FileStore['presignUpload']>[0]) {
    const meta = Object.fromEntries(Object.entries(slot.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v]));
    return createPresignedPost(this.s3, {
      Bucket: this.bucket,
      Key: slot.key,
      Conditions: [
        ['content-length-range', slot.size, slot.size],
        ['eq', '$Content-Type', slot.contentType],
        ...Object.entries(meta).map(([k, v]) => ['eq', `$${k}`, v] as ['eq', string, string]),
      ],
      Fields: { 'Content-Type': slot.contentType, ...meta },
      Expires: Math.max(1, Math.round((slot.expiresAt.getTime() - slot.now.getTime()) / 1000)),
    });
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? 'application/octet-stream',
        metadata: out.Metadata ?? {},
      };
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  }

  async get(key: string): Promise<(StoredObject & { bytes: Uint8Array }) | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
      return {
        size: bytes.length,
        contentType: out.ContentType ?? 'application/octet-stream',
        metadata: out.Metadata ?? {},
        bytes,
      };
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  }

  async put(key: string, bytes: Uint8Array, info: { contentType: string; metadata: Record<string, string> }) {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: info.contentType,
        Metadata: info.metadata,
      }),
    );
  }

  async copy(from: string, to: string, info: { contentType: string; metadata: Record<string, string> }) {
    await this.s3.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: to,
        CopySource: `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
        // REPLACE resets the content type unless it is given again.
        MetadataDirective: 'REPLACE',
        ContentType: info.contentType,
        Metadata: info.metadata,
      }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presignDownload(key: string, link: Parameters<FileStore['presignDownload']>[1]): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: attachmentDisposition(link.fileName),
        ResponseContentType: link.contentType,
      }),
      {
        expiresIn: Math.max(1, Math.round((link.expiresAt.getTime() - link.now.getTime()) / 1000)),
        signingDate: link.now,
      },
    );
  }
}
