/**
 * A small in-test fake of the API: routes by method and path pattern, a key check like the server's, and a
 * log of every request (with its parsed JSON or FormData body) for tests to assert on.
 */
export const GOOD_KEY = 'a'.repeat(64);

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | null;
  body: unknown;
}

/** A reply with a status other than 200; anything else a handler returns is a 200 JSON body. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
  ) {}
}
export const reply = (status: number, body?: unknown) => new Reply(status, body);

type Handler = (req: Recorded, params: Record<string, string>) => unknown;

export class FakeApi {
  readonly requests: Recorded[] = [];
  /** The one key the fake accepts (a rotation test changes it). */
  key = GOOD_KEY;
  private readonly routes: { method: string; pattern: RegExp; names: string[]; handler: Handler }[] = [];

  /** `path` is under /api/dataframer unless it starts with /api/, with `:name` segments, e.g. `/runs/:id/`. */
  on(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.startsWith('/api/') ? '' : '/api/dataframer'}${path.replace(/:([a-z_]+)/g, (_, n: string) => {
        names.push(n);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  calls(method: string, path: string): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path === `/api/dataframer${path}`);
  }

  fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), 'http://localhost');
    const headers = new Headers(init.headers);
    const method = init.method ?? 'GET';
    let body: unknown = init.body;
    if (typeof init.body === 'string' && headers.get('content-type') === 'application/json')
      body = JSON.parse(init.body);
    const req: Recorded = {
      method,
      path: url.pathname,
      query: url.searchParams,
      authorization: headers.get('authorization'),
      body,
    };
    this.requests.push(req);
    if (req.authorization !== `Bearer ${this.key}`) {
      return json(401, { detail: 'Invalid API key: unknown, revoked or expired' });
    }
    for (const route of this.routes) {
      const m = route.method === method ? route.pattern.exec(url.pathname) : null;
      if (!m) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      const out = route.handler(req, params);
      if (out instanceof Reply) {
        return out.status === 204 ? new Response(null, { status: 204 }) : json(out.status, out.body);
      }
      return json(200, out);
    }
    return json(404, { detail: `Not found: ${method} ${url.pathname}` });
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body ?? null), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export const MODELS = {
  models: [
    {
      id: 'openframer/statistical',
      display_name: 'Statistical',
      provider: 'openframer',
      provider_model: 'statistical',
      context_window: 1_000_000,
      max_output_tokens: 100_000,
      pricing: null,
      supports_thinking: false,
      supports_structured_output: true,
      thinking: false,
      supported_for: ['spec', 'generation', 'evaluation'],
      offline: true,
      available: true,
      requires: null,
    },
    {
      id: 'anthropic/claude-sonnet-4-6',
      display_name: 'Claude Sonnet 4.6',
      provider: 'anthropic',
      provider_model: 'claude-sonnet-4-6',
      context_window: 200_000,
      max_output_tokens: 64_000,
      pricing: { input: 3, output: 15, cached_input: 0.3 },
      supports_thinking: true,
      supports_structured_output: true,
      thinking: false,
      supported_for: ['spec', 'generation', 'evaluation', 'red_team', 'chat', 'anonymization'],
      offline: false,
      available: false,
      requires: 'ANTHROPIC_API_KEY',
    },
  ],
};

/** A fake with the calls every signed-in page makes. */
export function baseFake(): FakeApi {
  return new FakeApi()
    .on('GET', '/models/', () => MODELS)
    .on('GET', '/seed-datasets/', () => [])
    .on('GET', '/specs/', () => []);
}

/** A seed dataset as GET /seed-datasets/{id}/ answers it. */
export function datasetFixture(over: Record<string, unknown> = {}) {
  return {
    id: '22222222-2222-4222-8222-222222222222',
    name: 'claims',
    description: '',
    dataset_type: 'SINGLE_FILE',
    file_count: 1,
    folder_count: 0,
    total_size_bytes: 40,
    files: [],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    created_by_email: 'ana@acme.test',
    short_sample_compatibility: {
      is_short_samples_compatible: true,
      is_long_samples_compatible: true,
      reason: 'ok',
    },
    ...over,
  };
}

/** Records the links the app opens as downloads (anchor clicks) instead of following them. */
export function captureDownloads(): { links: string[]; restore(): void } {
  const links: string[] = [];
  const original = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    links.push(this.href);
  };
  return {
    links,
    restore: () => {
      HTMLAnchorElement.prototype.click = original;
    },
  };
}
