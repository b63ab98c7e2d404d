/**
 * How every PAKN function is bundled and started, in esbuild's own terms: `PaknFunction` hands these
 * to NodejsFunction and bench/cold-start.ts to esbuild directly, so the benchmark measures the
 * bundles that deploy.
 *
 * Two more things keep a bundle to what its function uses. package.json says `"sideEffects": false`:
 * a module none of whose exports the function uses is left out whole, its zod schemas included
 * (esbuild would otherwise keep their construction, a call chain, as a possible side effect). The one
 * module whose import does work, shared/adapters/secret-deps.ts, is only ever imported for its export.
 * And each handler wires only the adapters it needs (shared/adapters/deps.ts), so the S3, SES and
 * Secrets Manager clients are bundled only where they are called.
 */
import { fileURLToPath } from 'node:url';

export const LAMBDA_BUNDLE = {
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  // Some bundled CommonJS dependencies call require(); ESM output has none.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  // Vietnamese texts stay readable (and smaller) instead of \u escapes.
  charset: 'utf8',
  /**
   * Lambda always passes the role's credentials in the environment: the SDK's default credential
   * chain is swapped for reading them there (see env-credentials.ts), which keeps the STS/SSO
   * clients (~100 KB, ~10 ms of every cold start) out of the bundles. Absolute, so it resolves
   * wherever esbuild runs on this machine (NodejsFunction bundles locally: esbuild is installed).
   */
  alias: {
    '@aws-sdk/credential-provider-node': fileURLToPath(new URL('./env-credentials.ts', import.meta.url)),
  },
} as const;

/** Lambda's `NODE_OPTIONS`: stack traces point into the TypeScript sources. */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';
