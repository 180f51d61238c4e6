import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets a job must use later (e.g. Databricks client secrets) with AES-256-GCM under a key
 * derived from the server secret. They are never returned by the API and never logged.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(serverSecret: string) {
    this.key = createHash('sha256').update(`openframer/secret-box/${serverSecret}`).digest();
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}

/**
 * A job's Databricks credentials: the client id and API base from its params, the secret sealed in its
 * payload (never in the params, which the API returns).
 */
export function databricksCredentials(
  secrets: SecretBox,
  params: Record<string, unknown>,
  sealedSecret: string | undefined,
): { databricks: { clientId: string; clientSecret: string; apiBase: string } } | undefined {
  if (!sealedSecret || !params.databricks_client_id || !params.databricks_api_base) return undefined;
  return {
    databricks: {
      clientId: String(params.databricks_client_id),
      clientSecret: secrets.open(sealedSecret),
      apiBase: String(params.databricks_api_base),
    },
  };
}
