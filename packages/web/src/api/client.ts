/**
 * The UI's one way to the API: `fetch` on the same origin, the key in the Authorization header (never in a
 * URL), typed with the SDK's types (`@openframer/sdk/types`, types only: the SDK's runtime reads files and
 * unzips with Node modules, which have no place in a browser bundle; docs/web.md).
 */
import type {
  AnonymizationDatasetCreateParams,
  AnonymizationRun,
  AnonymizationRunCreateParams,
  AnonymizationZipLink,
  AnonymizationZipPending,
  DownloadLink,
  Evaluation,
  EvaluationChatMessage,
  EvaluationChatParams,
  EvaluationSummary,
  HumanLabel,
  HumanLabelCreateParams,
  ModelListResponse,
  RedTeamPrompt,
  RedTeamRun,
  RedTeamRunCreateParams,
  RedTeamSpec,
  RedTeamSpecCreateParams,
  RedTeamSpecUpdateParams,
  RedTeamTaxonomy,
  RotatedApiKey,
  Run,
  RunCreateParams,
  RunCreateResponse,
  RunSamplesPage,
  RunSummary,
  RunZipLink,
  RunZipPending,
  SeedDataset,
  SeedDatasetSummary,
  SeedDatasetUpdateParams,
  Spec,
  SpecCreateParams,
  SpecCreateResponse,
} from '@openframer/sdk/types';

export const API = '/api/dataframer';

/** An error answer: the server's `detail` for a person and `errors` per request field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: Record<string, string[]> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export interface Page {
  limit?: number;
  offset?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: string;
  query?: Query;
  json?: unknown;
  form?: FormData;
  signal?: AbortSignal;
  /** The path prefix; the DataFramer API unless told (the key rotation lives under /api/users). */
  base?: string;
}

export interface ClientOptions {
  apiKey: string;
  /** Called on every 401 (the key is unknown, revoked or expired): the app signs out. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: { detail?: unknown; errors?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  const detail =
    typeof body.detail === 'string' ? body.detail : `${res.status} ${res.statusText || 'request failed'}`;
  const errors =
    body.errors && typeof body.errors === 'object' ? (body.errors as Record<string, string[]>) : {};
  return new ApiError(res.status, detail, errors);
}

export class ApiClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** The raw response of a request that succeeded (status < 400); errors throw `ApiError`. */
  async raw(path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.apiKey}` };
    let body: BodyInit | undefined;
    if (options.form) body = options.form;
    else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    let res: Response;
    try {
      res = await this.fetchImpl(withQuery(`${options.base ?? API}${path}`, options.query), {
        method: options.method ?? 'GET',
        headers,
        body,
        signal: options.signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(0, `The server could not be reached (${(err as Error).message}).`);
    }
    if (res.status === 401) this.options.onUnauthorized?.();
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.raw(path, options);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  /** Status and body together, for endpoints whose 202 and 200 mean different things. */
  async withStatus<T>(path: string, options: RequestOptions = {}): Promise<{ status: number; body: T }> {
    const res = await this.raw(path, options);
    return { status: res.status, body: (await res.json()) as T };
  }

  // Models
  models = () => this.request<ModelListResponse>('/models/');

  // Account
  account = {
    /** A new key; the one this client holds stops working at once. */
    rotateKey: () => this.request<RotatedApiKey>('/users/api-key/rotate', { method: 'POST', base: '/api' }),
  };

  // Seed datasets
  datasets = {
    list: (page?: Page) => this.request<SeedDatasetSummary[]>('/seed-datasets/', { query: { ...page } }),
    get: (id: string) => this.request<SeedDataset>(`/seed-datasets/${id}/`),
    create: (form: FormData) => this.request<SeedDataset>('/seed-datasets/create/', { method: 'POST', form }),
    createFromZip: (form: FormData) =>
      this.request<SeedDataset>('/seed-datasets/create-from-zip/', { method: 'POST', form }),
    update: (id: string, body: SeedDatasetUpdateParams) =>
      this.request<SeedDataset>(`/seed-datasets/${id}/`, { method: 'PATCH', json: body }),
    delete: (id: string) => this.request<void>(`/seed-datasets/${id}/`, { method: 'DELETE' }),
    fileLink: (id: string, fileId: string) =>
      this.request<DownloadLink>(`/seed-datasets/${id}/files/${fileId}/download/`),
  };

  // Specs
  specs = {
    list: (page?: Page) => this.request<Spec[]>('/specs/', { query: { ...page } }),
    get: (id: string, includeVersions = false) =>
      this.request<Spec>(`/specs/${id}/`, { query: { include_versions: includeVersions || undefined } }),
    create: (body: SpecCreateParams) =>
      this.request<SpecCreateResponse>('/specs/', { method: 'POST', json: body }),
    update: (id: string, contentYaml: string) =>
      this.request<Spec>(`/specs/${id}/`, { method: 'PUT', json: { content_yaml: contentYaml } }),
    delete: (id: string) => this.request<void>(`/specs/${id}/`, { method: 'DELETE' }),
  };

  // Runs
  runs = {
    list: (page?: Page) => this.request<RunSummary[]>('/runs/', { query: { ...page } }),
    get: (id: string) => this.request<Run>(`/runs/${id}/`),
    create: (body: RunCreateParams) =>
      this.request<RunCreateResponse>('/runs/', { method: 'POST', json: body }),
    cancel: (id: string) => this.request<Run>(`/runs/${id}/cancel/`, { method: 'POST' }),
    delete: (id: string) => this.request<void>(`/runs/${id}/`, { method: 'DELETE' }),
    samples: (id: string, page?: Page) =>
      this.request<RunSamplesPage>(`/runs/${id}/samples/`, { query: { ...page } }),
    zip: (id: string) => this.withStatus<RunZipLink | RunZipPending>(`/runs/${id}/files/download/`),
    fileLink: (id: string, fileId: string) =>
      this.request<DownloadLink>(`/runs/${id}/files/${fileId}/download/`),
    evaluations: (id: string) => this.request<EvaluationSummary[]>(`/runs/${id}/evaluations/`),
    evaluate: (id: string, evaluationModel?: string) =>
      this.request<Evaluation>(`/runs/${id}/evaluations/`, {
        method: 'POST',
        json: evaluationModel ? { evaluation_model: evaluationModel } : {},
      }),
    labels: (id: string, fileIdentifier?: string) =>
      this.request<HumanLabel[]>(`/runs/${id}/human-labels/`, {
        query: { file_identifier: fileIdentifier },
      }),
    addLabel: (id: string, body: HumanLabelCreateParams) =>
      this.request<HumanLabel>(`/runs/${id}/human-labels/`, { method: 'POST', json: body }),
  };

  humanLabels = {
    delete: (id: string) => this.request<void>(`/human-labels/${id}/`, { method: 'DELETE' }),
  };

  evaluations = {
    get: (id: string) => this.request<Evaluation>(`/evaluations/${id}/`),
    delete: (id: string) => this.request<void>(`/evaluations/${id}/`, { method: 'DELETE' }),
    chatHistory: (id: string) => this.request<EvaluationChatMessage[]>(`/evaluations/${id}/chat/`),
    chat: (id: string, body: EvaluationChatParams) =>
      this.request<EvaluationChatMessage>(`/evaluations/${id}/chat/`, { method: 'POST', json: body }),
  };

  // Anonymization
  anonymization = {
    list: (page?: Page) => this.request<AnonymizationRun[]>('/anonymization-runs/', { query: { ...page } }),
    get: (id: string) => this.request<AnonymizationRun>(`/anonymization-runs/${id}/`),
    create: (body: AnonymizationRunCreateParams) =>
      this.request<AnonymizationRun>('/anonymization-runs/', { method: 'POST', json: body }),
    delete: (id: string) => this.request<void>(`/anonymization-runs/${id}/`, { method: 'DELETE' }),
    fileLink: (id: string, fileId: string) =>
      this.request<DownloadLink>(`/anonymization-runs/${id}/files/${fileId}/download/`),
    zip: (id: string) =>
      this.withStatus<AnonymizationZipLink | AnonymizationZipPending>(
        `/anonymization-runs/${id}/files/download/`,
      ),
    createDataset: (id: string, body: AnonymizationDatasetCreateParams) =>
      this.request<SeedDataset>(`/anonymization-runs/${id}/create-dataset/`, { method: 'POST', json: body }),
  };

  // Red teaming
  redTeam = {
    taxonomy: () => this.request<RedTeamTaxonomy>('/red-team-taxonomy/'),
    specs: {
      list: (page?: Page) => this.request<RedTeamSpec[]>('/red-team-specs/', { query: { ...page } }),
      get: (id: string) => this.request<RedTeamSpec>(`/red-team-specs/${id}/`),
      create: (body: RedTeamSpecCreateParams) =>
        this.request<RedTeamSpec>('/red-team-specs/', { method: 'POST', json: body }),
      update: (id: string, body: RedTeamSpecUpdateParams) =>
        this.request<RedTeamSpec>(`/red-team-specs/${id}/`, { method: 'PATCH', json: body }),
      delete: (id: string) => this.request<void>(`/red-team-specs/${id}/`, { method: 'DELETE' }),
    },
    runs: {
      list: (page?: Page) => this.request<RedTeamRun[]>('/red-team-runs/', { query: { ...page } }),
      get: (id: string) => this.request<RedTeamRun>(`/red-team-runs/${id}/`),
      create: (body: RedTeamRunCreateParams) =>
        this.request<RedTeamRun>('/red-team-runs/', { method: 'POST', json: body }),
      cancel: (id: string) => this.request<RedTeamRun>(`/red-team-runs/${id}/cancel/`, { method: 'POST' }),
      delete: (id: string) => this.request<void>(`/red-team-runs/${id}/`, { method: 'DELETE' }),
      prompts: (id: string, page: Page) =>
        this.request<RedTeamPrompt[]>(`/red-team-runs/${id}/prompts/`, { query: { ...page } }),
      /** The export needs the key, so it is fetched and handed to the browser as a file, not linked. */
      export: (id: string, format: 'jsonl' | 'csv') =>
        this.raw(`/red-team-runs/${id}/prompts/export/`, { query: { format } }),
    },
  };
}

/** Hands a fetched body to the browser as a download (for endpoints that need the key). */
export async function saveResponse(res: Response, fallbackName: string): Promise<void> {
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a ZIP download waits between asks while the server builds it. */
export const ZIP_POLL_MS = 1000;

/**
 * A ZIP of many files (a run's, an anonymization run's): `202` while the server builds it, then `200` with
 * a signed link (no key needed to follow it). Asks again every second, for up to two minutes.
 */
export async function waitForZip(
  ask: () => Promise<{ status: number; body: { download_url: string } | object }>,
  attempts = 120,
): Promise<string> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const { status, body } = await ask();
    if (status === 200 && 'download_url' in body) return body.download_url;
    await sleep(ZIP_POLL_MS);
  }
  throw new Error('The ZIP is still being built; try again in a minute.');
}

/** Opens a signed link (needs no key) as a download. */
export function openLink(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener';
  a.click();
}
