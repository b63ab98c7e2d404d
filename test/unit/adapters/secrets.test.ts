import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { loadSecretsIntoEnv } from '../../../shared/adapters/secrets.ts';

describe('loadSecretsIntoEnv', () => {
  it('loads a plain secret under its name and spreads a JSON secret into its keys', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: 'arn:hmac' }).resolves({ SecretString: 'top-secret-hmac' });
    sm.on(GetSecretValueCommand, { SecretId: 'arn:creds' }).resolves({
      SecretString: '{"VPCP_CLIENT_ID":"qng","VPCP_API_KEY":"k-1"}',
    });
    const env: NodeJS.ProcessEnv = {
      VPCP_HMAC_SECRET_ARN: 'arn:hmac',
      VPCP_CREDENTIALS_SECRET_ARN: 'arn:creds',
      OTHER: 'x',
    };
    await loadSecretsIntoEnv(env, new SecretsManagerClient({}));
    expect(env).toMatchObject({
      VPCP_HMAC_SECRET: 'top-secret-hmac',
      VPCP_CLIENT_ID: 'qng',
      VPCP_API_KEY: 'k-1',
      OTHER: 'x',
    });
    expect(env.VPCP_CREDENTIALS_SECRET).toBeUndefined();
    sm.restore();
  });

  it('does nothing without ARNs and fails loudly when a secret cannot be read', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await loadSecretsIntoEnv({ A: 'b' }, new SecretsManagerClient({}));
    expect(sm.calls()).toHaveLength(0);
    await expect(loadSecretsIntoEnv({ X_SECRET_ARN: 'arn:x' }, new SecretsManagerClient({}))).rejects.toThrow('denied');
    sm.restore();
  });
});
