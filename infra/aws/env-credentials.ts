/**
 * Stands in for `@aws-sdk/credential-provider-node` inside the Lambda bundles only (the alias in
 * `infra/aws/bundling.ts`). Lambda hands every function its role's credentials in the environment,
 * the first place the SDK's default chain looks, so the rest of the chain (profiles, SSO, web
 * identity, container and instance metadata) is never reached there; bundled, it still brings the
 * STS/SSO/sign-in clients (~100 KB) into every function and their evaluation into every cold start.
 * The local stack, tests and scripts run unbundled and keep the real chain.
 *
 * The SDK calls this once per client with the client's configuration (its logger included); it reads
 * the four variables on each request, as cheap as the real chain's cache.
 */
import { type FromEnvInit, fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: FromEnvInit) => fromEnv(init);
