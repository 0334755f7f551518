/** How the command line signs in: a tenant user (or the admin key as password), or a user's API key. */
export type ApiCredentials = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; apiKey: string };

/** The server answered with an error; `detail` is the problem+json detail (or the body's first line). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`HTTP ${status} ${title}${detail ? `: ${detail}` : ''}`);
  }
}

/** The server could not be reached at all (refused, unknown host, reset). */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
}

/** One event of a fax's history, as `GET /v1/faxes/{id}/events` lists it. */
export interface FaxHistoryEvent {
  id: string;
  type: string;
  revision: number;
  created: string;
  data: Record<string, unknown>;
}

export interface FaxApiClient {
  readonly baseUrl: string;
  /** Sends one request; any status ≥ 400 throws an `ApiError` carrying the problem's detail. */
  request(method: string, path: string, body?: FormData | object, headers?: Record<string, string>): Promise<Response>;
  json<T>(method: string, path: string, body?: FormData | object, headers?: Record<string, string>): Promise<T>;
  /** The fax's history, oldest first; `undefined` while the fax is not (yet) visible to these credentials. */
  faxEvents(faxId: string): Promise<FaxHistoryEvent[] | undefined>;
}

/** A small fetch client for faxengine's API, used by `faxengine send` and `faxengine demo`. */
export function createFaxApiClient(options: { baseUrl: string; credentials: ApiCredentials }): FaxApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { credentials } = options;
  const authorization =
    credentials.kind === 'bearer'
      ? `Bearer ${credentials.apiKey}`
      : `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;

  async function request(method: string, path: string, body?: FormData | object, headers: Record<string, string> = {}): Promise<Response> {
    const init: RequestInit = { method, headers: { authorization, accept: 'application/json', ...headers } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, init);
    } catch (error) {
      throw new UnreachableError(`cannot reach faxengine at ${baseUrl}: ${causeOf(error)}`);
    }
    if (response.status >= 400) throw await apiErrorOf(response);
    return response;
  }

  async function json<T>(method: string, path: string, body?: FormData | object, headers?: Record<string, string>): Promise<T> {
    return (await (await request(method, path, body, headers)).json()) as T;
  }

  return {
    baseUrl,
    request,
    json,
    async faxEvents(faxId) {
      try {
        return (await json<{ items: FaxHistoryEvent[] }>('GET', `/v1/faxes/${encodeURIComponent(faxId)}/events`)).items;
      } catch (error) {
        // The read model shows a new fax a moment after the 202.
        if (error instanceof ApiError && error.status === 404) return undefined;
        throw error;
      }
    },
  };
}

async function apiErrorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let problem: { title?: unknown; detail?: unknown } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    // Not JSON (a proxy's error page, say): its first line is still the best hint.
  }
  const title = typeof problem.title === 'string' ? problem.title : response.statusText;
  const detail = typeof problem.detail === 'string' ? problem.detail : (text.split('\n')[0] ?? '').slice(0, 200);
  return new ApiError(response.status, title, detail);
}

/** `fetch failed` says nothing; the cause (ECONNREFUSED 127.0.0.1:8080, ENOTFOUND host) does. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  if (cause?.message) return cause.message;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
