/**
 * Cold-start proxy: each deployed function bundled the way the CDK bundles it (infra/aws/bundling.ts,
 * which infra/aws/constructs/pakn-function.ts applies), its size, and the time a fresh Node process
 * takes to import it, next to importing the three unbundled AWS SDK packages the usual way (the
 * floor every handler pays).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE, LAMBDA_NODE_OPTIONS } from '../infra/aws/bundling.ts';
import { JOBS, ROUTES, STORAGE_TRIGGERS } from '../infra/routes.ts';
import { median, note, QUIET_SDK, ROOT, round, tempDir } from './support.ts';

export interface ColdStart {
  unbundledImportMs: number;
  functions: Array<{ name: string; bundleBytes: number; importMs: number }>;
}

const UNBUNDLED = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-sesv2'];
const PROBE = join(ROOT, 'bench/import-probe.mjs');

/** What Lambda gives the function (pakn-function.ts sets the same), so module scope runs as deployed. */
const LAMBDA_ENV = {
  ...QUIET_SDK,
  AWS_REGION: 'ap-southeast-1',
  TABLE_NAME: 'pakn',
  MAIL_FROM: 'PAKN <pakn@quangngai.example>',
  PUBLIC_BASE_URL: 'https://pakn.quangngai.example',
  JWT_ISSUER: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_example',
  JWT_AUDIENCE: 'pakn',
  LOG_LEVEL: 'info',
  // Only vpcp-sync reads it at cold start; the api stack sets it on that function.
  VPCP_BASE_URL: 'https://vpcp.example/api',
  // Set on the functions FILE_ACCESS names, which build their S3 client at cold start; the rest ignore it.
  ATTACHMENTS_BUCKET: 'pakn-attachments',
};
/** The CDK sets the same NODE_OPTIONS on every function; the floor gets the same flags. */
const NODE_FLAGS = LAMBDA_NODE_OPTIONS.split(' ');

/** Every deployed function: the API's routes, the scheduled jobs and the storage triggers. */
export const deployedFunctions = (): string[] => [
  ...new Set([...ROUTES.map((r) => r.fn), ...JOBS.map((j) => j.fn), ...STORAGE_TRIGGERS.map((t) => t.fn)]),
];

/** One import in a fresh process; milliseconds as the probe measured them. */
function importOnce(specifiers: string[]): number {
  const run = spawnSync(process.execPath, [...NODE_FLAGS, PROBE, ...specifiers], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...LAMBDA_ENV },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`import of ${specifiers.join(' ')} failed: ${run.stderr.slice(-800)}`);
  return Number(run.stdout.trim());
}

export async function coldStart(opts: { runs: number }): Promise<ColdStart> {
  // A route added before its handler (work in progress in the tree) is named, not silently dropped.
  const all = deployedFunctions();
  const handlerOf = (fn: string) => join(ROOT, 'functions', fn, 'handler.ts');
  const missing = all.filter((fn) => !existsSync(handlerOf(fn)));
  if (missing.length > 0) note(`cold start: no handler yet for ${missing.join(', ')}; left out`);
  const fns = all.filter((fn) => !missing.includes(fn));
  const out = await tempDir('bundles');
  try {
    note(`cold start: bundling ${fns.length} functions with esbuild`);
    // What NodejsFunction passes to esbuild for PaknFunction's `bundling` settings: the same
    // settings, run where the CDK runs esbuild (the project root).
    await build({
      ...LAMBDA_BUNDLE,
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      banner: { js: LAMBDA_BUNDLE.banner },
      entryPoints: Object.fromEntries(fns.map((fn) => [fn, handlerOf(fn)])),
      outdir: out.path,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      external: [],
      absWorkingDir: ROOT,
      tsconfig: join(ROOT, 'tsconfig.json'),
      logLevel: 'error',
    });
    const bundles = fns.map((fn) => ({ fn, file: join(out.path, `${fn}.mjs`) }));

    note(`cold start: ${opts.runs} fresh-process imports of each bundle and of the unbundled SDK`);
    const floor: number[] = [];
    const times = new Map<string, number[]>(fns.map((fn) => [fn, []]));
    // Interleaved rounds: a burst of background load hits the floor and the bundles alike.
    for (let r = 0; r < opts.runs; r++) {
      floor.push(importOnce(UNBUNDLED));
      for (const b of bundles) times.get(b.fn)?.push(importOnce([pathToFileURL(b.file).href]));
    }
    return {
      unbundledImportMs: round(median(floor)),
      functions: bundles.map((b) => ({
        name: b.fn,
        bundleBytes: statSync(b.file).size,
        importMs: round(median(times.get(b.fn) ?? [])),
      })),
    };
  } finally {
    await out.remove();
  }
}
