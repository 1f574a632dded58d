import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// Server-side request forgery guard for URLs people give us (CalDAV servers): only http(s),
// https unless the operator allows private networks, and never loopback, private, link-local
// (cloud metadata) or other internal addresses unless ALLOW_PRIVATE_NETWORK is on. Every
// redirect hop is checked again by the caller (see guardedFetch). A DNS answer could still
// change between this check and the connection (rebinding); pinning the address needs a custom
// dispatcher and is left for later.

export class UnsafeUrlError extends Error {
  readonly code: 'invalid_url' | 'private_address';
  constructor(code: UnsafeUrlError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(net, prefix, 'ipv6');
}

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internal.check(mapped[1]!, 'ipv4');
  return internal.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

export async function assertPublicUrl(text: string, options: { allowPrivateNetwork: boolean }): Promise<URL> {
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
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new UnsafeUrlError('invalid_url', `the host ${host} could not be found`);
  if (addresses.some(isInternalAddress)) throw new UnsafeUrlError('private_address', 'that address is on a private or local network, which this server does not contact');
  return url;
}
