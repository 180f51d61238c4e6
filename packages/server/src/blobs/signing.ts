import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring download links served by our own server (the local blob store has no presigner).
 * The signature covers the blob key, the file name shown to the user and the expiry.
 */
export class UrlSigner {
  constructor(
    private readonly secret: string,
    /** Origin put in links; set to the listening address once the server knows its port. */
    public baseUrl: string,
  ) {}

  private signature(key: string, filename: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${key}\n${filename}\n${expires}`).digest('base64url');
  }

  sign(
    key: string,
    filename: string,
    ttlSeconds: number,
    now = Date.now(),
  ): { url: string; expiresAt: Date } {
    const expires = Math.floor(now / 1000) + ttlSeconds;
    const params = new URLSearchParams({
      key,
      filename,
      expires: String(expires),
      signature: this.signature(key, filename, expires),
    });
    return {
      url: `${this.baseUrl}/api/dataframer/downloads/?${params}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  /** Returns why the link is not valid, or undefined when it is. */
  verify(
    key: string,
    filename: string,
    expires: number,
    signature: string,
    now = Date.now(),
  ): string | undefined {
    const expected = Buffer.from(this.signature(key, filename, expires));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid signature';
    if (expires * 1000 < now) return 'link expired';
    return undefined;
  }
}
