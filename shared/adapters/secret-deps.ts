/**
 * The `secrets` wiring (see deps.ts): importing this module loads the function's `*_SECRET_ARN`
 * secrets into the environment, once per cold start and before the handler reads its configuration.
 * Only the functions that are given secrets bundle the Secrets Manager client.
 */
import { markSecretsLoaded, type Wiring } from './deps.ts';
import { loadSecretsIntoEnv } from './secrets.ts';

await loadSecretsIntoEnv();
markSecretsLoaded();

/** Adds no port: the secrets reach the use cases through the configuration (`appDeps(secrets, …)`). */
export const secrets: Wiring = () => ({});
