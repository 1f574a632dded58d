import type { Coding } from '../app/feeds.ts';

// RFC 9110 content negotiation and preconditions for cacheable representations.

/** The best coding the client accepts: br, then gzip, then identity (q-values respected). */
export function negotiateCoding(acceptEncoding: string | undefined): Coding {
  if (!acceptEncoding) return 'identity';
  const q = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const weight = (coding: string) => q.get(coding) ?? q.get('*') ?? 0;
  const best = (['br', 'gzip'] as const).filter((c) => weight(c) > 0).sort((a, b) => weight(b) - weight(a))[0];
  return best ?? 'identity';
}

/** Each coding is a different representation, so it gets its own strong ETag (RFC 9110 §8.8.3.3). */
export function etagForCoding(etag: string, coding: Coding): string {
  return coding === 'identity' ? etag : `${etag.slice(0, -1)}-${coding}"`;
}

const ENTITY_TAG = /\s*(?:W\/)?"([^"]*)"\s*(?:,|$)/gy;

/**
 * If-None-Match with the weak comparison (§13.1.2): `W/` ignored, lists and `*` understood, and
 * a tag of any coding of this version matches (the selected representation is the same).
 */
export function ifNoneMatchMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = etag.slice(1, -1);
  ENTITY_TAG.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ENTITY_TAG.exec(header)) !== null) {
    if (m[1]!.replace(/-(gzip|br)$/, '') === opaque) return true;
    if (ENTITY_TAG.lastIndex >= header.length) break;
  }
  return false;
}

/** If-Modified-Since (§13.1.3): whole seconds; an unparseable date is ignored. */
export function notModifiedSince(header: string, lastModifiedMs: number): boolean {
  const since = Date.parse(header);
  if (Number.isNaN(since)) return false;
  return Math.floor(lastModifiedMs / 1000) <= Math.floor(since / 1000);
}

export interface ConditionalHeaders {
  method: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

/** True when a GET/HEAD should get 304. If-None-Match, when present, decides alone (§13.2.2). */
export function isNotModified(h: ConditionalHeaders, etag: string, lastModifiedMs: number): boolean {
  if (h.method !== 'GET' && h.method !== 'HEAD') return false;
  if (h.ifNoneMatch !== undefined) return ifNoneMatchMatches(h.ifNoneMatch, etag);
  if (h.ifModifiedSince !== undefined) return notModifiedSince(h.ifModifiedSince, lastModifiedMs);
  return false;
}
