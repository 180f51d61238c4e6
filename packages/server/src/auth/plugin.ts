import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService, Principal } from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Requires `Authorization: Bearer <key>` on every route registered in the calling scope. The key is looked
 * up by hash on every request, so a revoked key stops working at once on every instance.
 */
export function requireApiKey(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null as unknown as Principal);
  const lastTouched = new Map<string, number>();
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    if (!header) {
      return reply.code(401).send({
        detail: 'Authentication credentials were not provided: send Authorization: Bearer <API key>',
      });
    }
    const match = BEARER.exec(header);
    if (!match) {
      return reply.code(401).send({ detail: 'Authorization header must be "Bearer <API key>"' });
    }
    const principal = await auth.authenticate(match[1]!);
    if (!principal) return reply.code(401).send({ detail: 'Invalid, revoked or expired API key' });
    req.principal = principal;
    // Recording use is a write; once a minute per key is enough and keeps reads read-only.
    const now = Date.now();
    if ((lastTouched.get(principal.apiKeyId) ?? 0) < now - TOUCH_INTERVAL_MS) {
      lastTouched.set(principal.apiKeyId, now);
      auth.touch(principal.apiKeyId).catch((err) => req.log.warn({ err }, 'could not record API key use'));
    }
  });
}
