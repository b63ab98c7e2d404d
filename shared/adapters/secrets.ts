/**
 * Secrets never sit in the template or the environment: the stack passes only their ARNs
 * (`<NAME>_ARN`), and this loads each one from Secrets Manager once per cold start.
 * A plain secret becomes `<NAME>`; a JSON object secret sets each of its keys (e.g.
 * `{"VPCP_CLIENT_ID": "...", "VPCP_API_KEY": "..."}`). Locally there are no ARNs: nothing to do.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export async function loadSecretsIntoEnv(
  env: NodeJS.ProcessEnv = process.env,
  client?: SecretsManagerClient,
): Promise<void> {
  const refs = Object.entries(env).filter(([k, v]) => k.endsWith('_SECRET_ARN') && v);
  if (refs.length === 0) return;
  const sm = client ?? new SecretsManagerClient({});
  await Promise.all(
    refs.map(async ([key, arn]) => {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: arn }));
      const value = out.SecretString ?? '';
      const name = key.slice(0, -'_ARN'.length);
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') env[k] ??= v;
      } else {
        env[name] ??= value;
      }
    }),
  );
}
