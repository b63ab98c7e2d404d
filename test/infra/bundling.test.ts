/**
 * The one Lambda bundle these tests build for real (the template tests skip bundling): PaknFunction
 * hands esbuild the settings of infra/aws/bundling.ts, the ones bench/cold-start.ts measures, and above
 * all the alias that keeps the SDK's default credential chain out of every function.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LAMBDA_BUNDLE, LAMBDA_NODE_OPTIONS } from '../../infra/aws/bundling.ts';
import { lambdaEsbuildArgs, PaknFunction } from '../../infra/aws/constructs/pakn-function.ts';
import { defaultProvider } from '../../infra/aws/env-credentials.ts';

const CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';

describe('Lambda bundling', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'pakn-bundle-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  afterEach(() => vi.unstubAllEnvs());

  it('swaps the default credential chain for the environment, in the esbuild flags the construct passes', () => {
    expect(LAMBDA_BUNDLE.alias[CREDENTIAL_CHAIN]).toMatch(/\/infra\/aws\/env-credentials\.ts$/);
    expect(lambdaEsbuildArgs()['--alias']).toEqual([`${CREDENTIAL_CHAIN}=${LAMBDA_BUNDLE.alias[CREDENTIAL_CHAIN]}`]);
  });

  it('gives the SDK the credentials Lambda puts in the environment', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session');
    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'session',
    });
  });

  it('builds a function with the stand-in and without the chain (STS, SSO, profiles)', () => {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bundled');
    const f = new PaknFunction(stack, 'Fn', {
      fn: 'agencies-list',
      env: {
        provinceCode: 'QNG',
        mailFrom: 'PAKN <pakn@example.gov.vn>',
        publicBaseUrl: 'https://pakn.example.gov.vn',
        jwtIssuer: 'https://issuer.example',
        jwtAudience: 'pakn',
        logLevel: 'info',
      },
    });
    app.synth();
    const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const dir = join(outdir, assets[0] ?? '');
    const sources: string[] = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')).sources;
    expect(sources.some((s) => s.endsWith('infra/aws/env-credentials.ts'))).toBe(true);
    expect(
      sources.filter((s) => /credential-provider-(node|ini|sso|process|web-identity)|nested-clients/.test(s)),
    ).toEqual([]);
    // The SDK is inside (bundleAwsSDK), in UTF-8, and stack traces map back to the sources.
    expect(sources.some((s) => s.includes('@aws-sdk/client-dynamodb'))).toBe(true);
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toContain('Không');
    const env = stack.resolve((f.node.defaultChild as { environment?: unknown }).environment);
    expect(env).toMatchObject({ variables: { NODE_OPTIONS: LAMBDA_NODE_OPTIONS } });
  });
});
