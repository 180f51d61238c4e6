import type { FastifyReply } from 'fastify';

export type ZipDownload =
  | { ready: true; download_url: string; size_bytes: number; expires_at: string }
  | { ready: false };

/** The ZIP endpoints' answer: 202 while the archive is built (call again), then 200 with the signed link. */
export function zipReply(reply: FastifyReply, result: ZipDownload) {
  if (!result.ready) {
    return reply.code(202).send({ status: 'building', detail: 'The ZIP is being built; call again shortly' });
  }
  const { ready: _ready, ...link } = result;
  return link;
}
