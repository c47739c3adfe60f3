import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './hashbook-api';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

/** A problem+json answer, thrown by `call` so TanStack Query sees it as the query's or mutation's error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail);
  }

  /** The message of the validation error at `path` (or under it), if any. */
  fieldError(path: string): string | undefined {
    return this.problem.errors?.find((e) => e.path === path || e.path?.startsWith(`${path}.`))
      ?.message;
  }
}

let csrfToken: string | null = null;
const expiredListeners = new Set<() => void>();

/** The CSRF token of the signed-in session, sent on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API answers 401 to a signed-in person: the session has ended. */
export function onSessionExpired(listener: () => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

const session: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
  onResponse({ request, response }) {
    const url = new URL(request.url);
    if (response.status === 401 && csrfToken && !url.pathname.startsWith('/api/v1/auth/')) {
      csrfToken = null;
      expiredListeners.forEach((listener) => listener());
    }
    return response;
  },
};

/** The typed client of Hashbook's own API, generated from its OpenAPI document. */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(session);

/** Awaits an openapi-fetch call and returns its data, or throws its problem as an ApiError. */
export async function call<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) {
    const problem =
      error && typeof error === 'object' && 'detail' in error
        ? (error as Problem)
        : ({
            type: 'about:blank',
            title: response.statusText,
            status: response.status,
            detail: `The server answered ${response.status}`,
            code: 'HTTP_ERROR',
          } satisfies Problem);
    throw new ApiError(response.status, problem);
  }
  return data as T;
}

/** A report's CSV address: the same query with `format=csv`, downloaded with the session cookie. */
export function csvUrl(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  params.set('format', 'csv');
  return `${path}?${params.toString()}`;
}
