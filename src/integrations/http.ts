import { ProviderError } from './provider.ts';

// The one HTTP layer for provider APIs: a timeout on every call, Retry-After understood, and
// errors that never carry a token (messages hold the method, path and status only).

export interface ProviderResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface ProviderRequest {
  method: string;
  url: string;
  accessToken?: string;
  json?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export async function providerFetch(r: ProviderRequest): Promise<ProviderResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...r.headers };
  if (r.accessToken) headers.authorization = `Bearer ${r.accessToken}`;
  if (r.json !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await fetch(r.url, {
      method: r.method,
      headers,
      body: r.json === undefined ? undefined : JSON.stringify(r.json),
      signal: AbortSignal.timeout(r.timeoutMs ?? 15_000),
      redirect: 'error',
    });
    // The deadline covers the body too: an answer whose body never comes is a timeout.
    text = await response.text();
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new ProviderError('temporary', `${r.method} ${pathOf(r.url)}: ${timedOut ? 'timed out' : 'network error'}`, { cause: error });
  }
  let body: unknown = text;
  if (text && (response.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: response.headers, body };
}

/** Retry-After as milliseconds (seconds or an HTTP date); undefined when absent or invalid. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid url)';
  }
}

/**
 * A provider call with the connection's bearer token. A 401 for a token we thought valid
 * (providers drop tokens before `expires_in`) gets one refresh at once and one more try,
 * instead of failing until the token's own expiry; a failed refresh means reconnect.
 */
export async function fetchWithBearer(tokens: { current(): Promise<string>; renew(refused: string): Promise<string> }, r: Omit<ProviderRequest, 'accessToken'>): Promise<ProviderResponse> {
  const token = await tokens.current();
  const first = await providerFetch({ ...r, accessToken: token });
  if (first.status !== 401) return first;
  return providerFetch({ ...r, accessToken: await tokens.renew(token) });
}
