import { retryAfterMs, type ProviderResponse } from '../http.ts';
import { ProviderError } from '../provider.ts';

interface GoogleErrorBody {
  error?: { code?: number; message?: string; errors?: { reason?: string }[] };
}

/** Google Calendar API errors reduced to our codes (reference/providers.md §2). */
export function googleError(res: ProviderResponse, what: string): ProviderError {
  const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as GoogleErrorBody;
  const reason = body.error?.errors?.[0]?.reason ?? '';
  const message = `${what}: Google answered ${res.status}${reason ? ` ${reason}` : ''}`;
  const options = { status: res.status, retryAfterMs: retryAfterMs(res.headers) };
  if (res.status === 401) return new ProviderError('unauthorized', message, options);
  if (res.status === 429 || (res.status === 403 && /rateLimitExceeded|userRateLimitExceeded/.test(reason))) {
    return new ProviderError('rate_limited', message, options);
  }
  // The daily quota: waiting seconds will not help, an hour might.
  if (res.status === 403 && reason === 'quotaExceeded') {
    return new ProviderError('rate_limited', message, { ...options, retryAfterMs: options.retryAfterMs ?? 3_600_000 });
  }
  if (res.status === 403 && /insufficientPermissions|forbidden/.test(reason)) return new ProviderError('reconnect_required', message, options);
  if (res.status === 404 || res.status === 410) return new ProviderError('not_found', message, options);
  if (res.status === 409 || res.status === 412) return new ProviderError('conflict', message, options);
  if (res.status >= 500) return new ProviderError('temporary', message, options);
  return new ProviderError('permanent', message, options);
}
