import { stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig } from '../config.js';

/** What `/` answers when the UI has not been built: how to build it, never a crash. */
const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OpenFramer</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>OpenFramer</h1>
<p>The API is running, but the web UI has not been built.</p>
<p>Build it from the repository root with <code>npm run build -w @openframer/web</code>
(<code>npm ci</code> does it too), then reload this page.</p>
<p>Meanwhile: the API is under <a href="/api/dataframer/health/">/api/dataframer/</a>, its documentation at
<a href="/api/docs/">/api/docs/</a>.</p>
</body></html>
`;

const IMMUTABLE = 'public, max-age=31536000, immutable';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The web UI (packages/web, docs/web.md): files of the Vite build at `/`, hashed assets cached for a year,
 * index.html never cached, and any other GET outside /api/ answered with index.html so the browser's router
 * takes the path (a single-page app). The API's 404s stay JSON.
 */
export const webRoutes =
  (config: Pick<ServerConfig, 'webDir'>): FastifyPluginAsync =>
  async (app) => {
    const root = config.webDir;
    await app.register(fastifyStatic, { root, serve: false });

    const sendIndex = async (reply: FastifyReply) => {
      if (!(await isFile(join(root, 'index.html')))) {
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    };

    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      let path: string;
      try {
        path = decodeURIComponent(req.url.split('?')[0] ?? '/');
      } catch {
        return reply.callNotFound();
      }
      if (path === '/api' || path.startsWith('/api/')) return reply.callNotFound();
      const relative = normalize(path).replace(/^[/\\]+/, '');
      const hashed = relative.startsWith(`assets${sep}`);
      if (relative && !relative.split(sep).includes('..') && (await isFile(join(root, relative)))) {
        if (relative === 'index.html') return sendIndex(reply);
        return reply
          .header('cache-control', hashed ? IMMUTABLE : 'no-cache')
          .sendFile(relative, { cacheControl: false });
      }
      // A missing asset (an old hash after a new build) is a 404, not the page in its place.
      if (hashed) return reply.callNotFound();
      return sendIndex(reply);
    };

    app.get('/', { schema: { hide: true } }, handler);
    app.get('/*', { schema: { hide: true } }, handler);
  };
