import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { isInternalAddress } from './special-addresses.ts';

export { isInternalAddress } from './special-addresses.ts';

// Server-side request forgery guard for URLs people give us (CalDAV servers): only http(s),
// https unless the operator allows private networks, and never an address other than public
// unicast (see special-addresses.ts) unless ALLOW_PRIVATE_NETWORK is on. assertPublicUrl checks
// a URL before we ask (a clear message); checkedLookup is what connections use, so the address
// connected to is the address checked and a DNS answer that changes in between (rebinding)
// gains nothing. Every redirect hop is checked again by the caller (see guardedFetch).

export class UnsafeUrlError extends Error {
  readonly code: 'invalid_url' | 'private_address';
  constructor(code: UnsafeUrlError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** Resolves a host name to every address it has (dns.lookup by default; tests inject one). */
export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolve: Resolve = (host) => lookup(host, { all: true });

const privateAddress = () => new UnsafeUrlError('private_address', 'that address is on a private or local network, which this server does not contact');

export async function assertPublicUrl(text: string, options: { allowPrivateNetwork: boolean; resolve?: Resolve }): Promise<URL> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UnsafeUrlError('invalid_url', 'not a valid URL');
  }
  if (url.protocol !== 'https:' && !(options.allowPrivateNetwork && url.protocol === 'http:')) {
    throw new UnsafeUrlError('invalid_url', 'the server URL must start with https://');
  }
  if (url.username || url.password) throw new UnsafeUrlError('invalid_url', 'put the username and password in their own fields, not in the URL');
  if (options.allowPrivateNetwork) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await (options.resolve ?? systemResolve)(host).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new UnsafeUrlError('invalid_url', `the host ${host} could not be found`);
  if (addresses.some(isInternalAddress)) throw privateAddress();
  return url;
}

/**
 * A `lookup` for net/tls.connect (an undici Agent's `connect.lookup`): resolves once, refuses
 * the connection when any answer is internal, and hands exactly the checked answers to connect.
 */
export function checkedLookup(options: { allowPrivateNetwork: boolean; resolve?: Resolve }): LookupFunction {
  const resolve = options.resolve ?? systemResolve;
  return (hostname, lookupOptions, callback) => {
    const family = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
    const checked = resolve(hostname).then((answers) => {
      const usable = answers.filter((a) => family === 0 || a.family === family);
      if (usable.length === 0) throw Object.assign(new Error(`the host ${hostname} could not be found`), { code: 'ENOTFOUND' });
      if (!options.allowPrivateNetwork && answers.some((a) => isInternalAddress(a.address))) throw privateAddress();
      return usable;
    });
    // The callback runs outside the promise chain: an error thrown by connect is not ours to catch.
    checked.then(
      (usable) => setImmediate(() => (lookupOptions.all ? callback(null, usable) : callback(null, usable[0]!.address, usable[0]!.family))),
      (error: NodeJS.ErrnoException) => setImmediate(() => callback(error, '', 0)),
    );
  };
}
