import { retryAfterMs } from '../http.ts';
import { UnsafeUrlError } from '../../infra/net/ssrf-guard.ts';
import { ProviderError } from '../provider.ts';

/** A CalDAV server's HTTP answer reduced to our codes. */
export function caldavError(response: Response, what: string): ProviderError {
  const status = response.status;
  const options = { status, retryAfterMs: retryAfterMs(response.headers) };
  if (status === 401 || status === 403) return new ProviderError('reconnect_required', `${what}: the server did not accept that username and app password`, options);
  if (status === 404 || status === 410) return new ProviderError('not_found', `${what}: not found on the server`, options);
  if (status === 412) return new ProviderError('conflict', `${what}: it changed on the server meanwhile`, options);
  if (status === 429 || (status === 503 && options.retryAfterMs !== undefined)) return new ProviderError('rate_limited', `${what}: the server asks us to slow down`, options);
  if (status >= 500) return new ProviderError('temporary', `${what}: the server answered ${status}`, options);
  return new ProviderError('permanent', `${what}: the server answered ${status}`, options);
}

/** Anything thrown while talking to the server (network, timeout, guard, tsdav) as a ProviderError. */
export function toProviderError(error: unknown, what: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof UnsafeUrlError) return new ProviderError('permanent', `${what}: ${error.message}`, { cause: error });
  // Refused at connect (the address a name resolved to there): fetch wraps it in a TypeError.
  const cause = (error as Error)?.cause;
  if (cause instanceof UnsafeUrlError) return new ProviderError('permanent', `${what}: ${cause.message}`, { cause });
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new ProviderError('temporary', `${what}: the server did not answer in time`, { cause: error });
  if (error instanceof TypeError) return new ProviderError('temporary', `${what}: the server could not be reached`, { cause: error });
  return new ProviderError('permanent', `${what}: ${(error as Error)?.message ?? 'failed'}`, { cause: error });
}
