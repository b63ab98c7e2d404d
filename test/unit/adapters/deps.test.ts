/**
 * The wiring: every function gets the table-backed ports, and only what it names beyond them, so its
 * bundle carries only the SDK clients it calls; what it does not wire fails loudly instead of quietly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appDeps, resetDeps } from '../../../shared/adapters/deps.ts';
import { files } from '../../../shared/adapters/file-deps.ts';
import { LocalFileStore } from '../../../shared/adapters/local-files.ts';
import { mail } from '../../../shared/adapters/mail-deps.ts';
import { S3FileStore } from '../../../shared/adapters/s3-files.ts';
import { SesMailer } from '../../../shared/adapters/ses-mailer.ts';
import { resetConfig } from '../../../shared/config.ts';

const MAIL = { to: ['a@example.vn'], subject: 's', text: 't', html: '<p>t</p>' };

afterEach(() => {
  vi.unstubAllEnvs();
  resetConfig();
  resetDeps();
});

describe('appDeps', () => {
  it('gives a function that wires no mail a mailer that refuses, and no file store', async () => {
    const deps = appDeps();
    await expect(deps.mailer.send(MAIL)).rejects.toThrow(/sends no mail/);
    expect(deps.files).toBeUndefined();
  });

  it('adds what it is given, built once per container, over the same table-backed ports', () => {
    vi.stubEnv('ATTACHMENTS_BUCKET', 'pakn-attachments');
    const plain = appDeps();
    const full = appDeps(mail, files);
    expect(full.mailer).toBeInstanceOf(SesMailer);
    expect(full.files).toBeInstanceOf(S3FileStore);
    expect(full.cases).toBe(plain.cases);
    expect(full.reference).toBe(plain.reference);
    expect(appDeps(mail).mailer).toBe(full.mailer);
    expect(plain.mailer).not.toBe(full.mailer);
  });

  it('keeps attachments in the local directory when the local stack set one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pakn-deps-'));
    try {
      vi.stubEnv('PAKN_FILES_DIR', dir);
      vi.stubEnv('PAKN_FILES_SECRET', 'a-local-files-secret-of-some-length');
      vi.stubEnv('ATTACHMENTS_BUCKET', 'pakn-attachments');
      expect(appDeps(files).files).toBeInstanceOf(LocalFileStore);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rebuilds everything after resetDeps', () => {
    const before = appDeps(mail);
    resetDeps();
    const after = appDeps(mail);
    expect(after.cases).not.toBe(before.cases);
    expect(after.mailer).not.toBe(before.mailer);
  });

  it('fails the cold start of a function given a secret it does not load', () => {
    vi.stubEnv('RATING_LINK_SECRET_ARN', 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:rating');
    expect(() => appDeps(mail)).toThrow(/RATING_LINK_SECRET_ARN set, but `secrets` is not wired/);
  });
});
