/**
 * TRUST_PROXY as a hop count: the nearest `hops` proxies may set X-Forwarded-* (Fastify's types
 * take a function for this, its runtime also a number).
 */
export function hopsTrusted(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
