import { retryAfterMs, type ProviderResponse } from '../http.ts';
import { ProviderError } from '../provider.ts';

/** Microsoft Graph errors reduced to our codes (reference/providers.md §3). */
export function graphError(res: ProviderResponse, what: string): ProviderError {
  const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as { error?: { code?: string } };
  const code = body.error?.code ?? '';
  const message = `${what}: Microsoft Graph answered ${res.status}${code ? ` ${code}` : ''}`;
  const options = { status: res.status, retryAfterMs: retryAfterMs(res.headers) };
  if (res.status === 401) return new ProviderError('unauthorized', message, options);
  if (res.status === 403) return new ProviderError('reconnect_required', message, options);
  if (res.status === 429) return new ProviderError('rate_limited', message, options);
  if (res.status === 404 || res.status === 410) return new ProviderError('not_found', message, options);
  if (res.status === 409 || res.status === 412) return new ProviderError('conflict', message, options);
  if (res.status >= 500) return new ProviderError(options.retryAfterMs !== undefined ? 'rate_limited' : 'temporary', message, options);
  return new ProviderError('permanent', message, options);
}
