import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { Coding, FeedService, FeedValidators } from '../app/feeds.ts';
import { etagForCoding, isNotModified, negotiateCoding } from './conditional.ts';
import { contentDisposition } from './content-disposition.ts';

// The service's hot path (issue 14): calendar apps poll public feeds all day long, and almost
// every poll is a conditional GET answered 304. When the feed's version is held in memory, a
// request whose validators match it gets its 304 here, before Fastify, and a request without
// validators gets the body already rendered and encoded for its coding: no routing, hooks,
// request/reply objects or serialization. Everything else (a validator that does not match: it
// may name a newer version, so the route reads the database; a version not held; a body not
// made yet; personal feeds; any other URL) goes to Fastify as before, whose feed route sends the
// very same responses (routes/feeds.ts; test/http/feeds-fast-path.test.ts compares them).
// What the skipped hooks would have done for such a request is done here: the security headers
// (plugins/security-headers.ts), the metrics (plugins/metrics.ts) and, at LOG_LEVEL=info or
// below, one "request completed" line. Rate limits, sessions and cross-site checks concern
// neither public feeds nor GET.

/** Cache-Control of the public feeds (all events, categories). */
export const PUBLIC_FEED_CACHE = 'public, max-age=300';

/**
 * The headers of a 304 (and, with the body's own, of a 200) for a version in a coding, as
 * routes/feeds.ts sends them through Fastify; the same header names Fastify writes (lowercase).
 */
export function notModifiedHeaders(v: Pick<FeedValidators, 'etag' | 'lastModifiedHttp'>, coding: Coding, cacheControl: string): Record<string, string> {
  return {
    etag: etagForCoding(v.etag, coding),
    'last-modified': v.lastModifiedHttp,
    'cache-control': cacheControl,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
}

/** The headers of a 200 with a feed's body, as routes/feeds.ts sends them through Fastify. */
function bodyHeaders(v: FeedValidators, coding: Coding, filename: string, length: number): Record<string, string> {
  return {
    ...notModifiedHeaders(v, coding, PUBLIC_FEED_CACHE),
    'content-type': 'text/calendar; charset=utf-8',
    // inline: Google's "From URL" import has failed on attachment feeds.
    'content-disposition': contentDisposition('inline', filename),
    ...(coding === 'identity' ? {} : { 'content-encoding': coding }),
    'content-length': String(length),
  };
}

export interface FeedFastPathDeps {
  feeds: Pick<FeedService, 'heldValidators' | 'readyBody'>;
  /** One response sent here: the counters Fastify's hooks would have moved. */
  onResponse(route: string, method: string, feedKind: string, status: number, seconds: number): void;
  /** Logs a line like Fastify's "request completed", when that level is on. */
  log?: { info(obj: object, msg: string): void; isLevelEnabled?(level: string): boolean };
}

const ALL_ROUTE = '/feeds/all.ics';
const CATEGORY_ROUTE = '/feeds/categories/:slug.ics';
const CATEGORY_PREFIX = '/feeds/categories/';
// Slugs as we make them (core/events/slug.ts); anything else (escapes, dots) goes to Fastify.
const PLAIN_SLUG = /^[a-z0-9-]{1,80}$/;
const MAX_CODINGS = 256;

/** Answers a public feed request when it can; false: the request is Fastify's. */
export function feedFastPath(deps: FeedFastPathDeps) {
  const all = { kind: 'all' as const, key: 'all' };
  // Accept-Encoding values are few (one per client kind): negotiated once per value.
  const codings = new Map<string, Coding>();
  // A version's headers per coding and status, made once (validators are one object per version and day).
  const headerSets = new WeakMap<FeedValidators, Partial<Record<`${Coding}-${304 | 200}`, Record<string, string>>>>();
  const decided = new WeakMap<FeedValidators, { ifNoneMatch?: string; ifModifiedSince?: string; notModified: boolean }>();
  let closing = false;
  const infoEnabled = () => deps.log?.isLevelEnabled?.('info') === true;

  function codingOf(acceptEncoding: string | undefined): Coding {
    if (acceptEncoding === undefined) return 'identity';
    let coding = codings.get(acceptEncoding);
    if (coding === undefined) {
      coding = negotiateCoding(acceptEncoding);
      if (codings.size >= MAX_CODINGS) codings.clear();
      codings.set(acceptEncoding, coding);
    }
    return coding;
  }

  function tryNotModified(req: IncomingMessage, res: ServerResponse): boolean {
    const method = req.method;
    if ((method !== 'GET' && method !== 'HEAD') || closing) return false;
    const started = performance.now();
    const headers = req.headers;
    const ifNoneMatch = headers['if-none-match'];
    const ifModifiedSince = headers['if-modified-since'];
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    let v: FeedValidators | undefined;
    let route: string;
    let filename: string;
    if (path === ALL_ROUTE) {
      route = ALL_ROUTE;
      filename = 'all-events.ics';
      v = deps.feeds.heldValidators(all);
    } else if (path.startsWith(CATEGORY_PREFIX) && path.endsWith('.ics')) {
      const slug = path.slice(CATEGORY_PREFIX.length, -4);
      if (!PLAIN_SLUG.test(slug)) return false;
      route = CATEGORY_ROUTE;
      filename = `${slug}.ics`;
      v = deps.feeds.heldValidators({ kind: 'category', key: `category:${slug}`, slug });
    } else return false;
    if (!v) return false;
    let status: 304 | 200;
    let body: Buffer | undefined;
    if (ifNoneMatch !== undefined || ifModifiedSince !== undefined) {
      // A client sends the same validators poll after poll: the last answer per version is kept.
      let last = decided.get(v);
      if (!last || last.ifNoneMatch !== ifNoneMatch || last.ifModifiedSince !== ifModifiedSince) {
        last = { ifNoneMatch, ifModifiedSince, notModified: isNotModified({ method, ifNoneMatch, ifModifiedSince }, v.etag, v.lastModified) };
        decided.set(v, last);
      }
      if (!last.notModified) return false;
      status = 304;
    } else status = 200;
    const coding = codingOf(headers['accept-encoding']);
    if (status === 200 && !(body = deps.feeds.readyBody(v, coding))) return false;
    let sets = headerSets.get(v);
    if (!sets) headerSets.set(v, (sets = {}));
    const set = (sets[`${coding}-${status}`] ??=
      status === 304 ? notModifiedHeaders(v, coding, PUBLIC_FEED_CACHE) : bodyHeaders(v, coding, filename, body!.length));
    res.writeHead(status, set);
    res.end(body);
    const seconds = (performance.now() - started) / 1000;
    deps.onResponse(route, method, v.ref.kind, status, seconds);
    if (infoEnabled()) deps.log!.info({ req, res: { statusCode: status }, responseTime: seconds * 1000 }, 'request completed');
    return true;
  }

  return {
    tryNotModified,
    /** From now on every request goes to Fastify (which answers 503 while closing). */
    close(): void {
      closing = true;
    },
  };
}

export type FeedFastPath = ReturnType<typeof feedFastPath>;

/** Fastify's `serverFactory`: a node:http server whose requests try the fast path first. */
export function serverWithFastPath(fast: FeedFastPath, o: { keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number }) {
  return (handler: RequestListener) => {
    const server = http.createServer((req, res) => {
      if (!fast.tryNotModified(req, res)) handler(req, res);
    });
    // What Fastify sets on a server it makes itself.
    server.keepAliveTimeout = o.keepAliveTimeout;
    server.requestTimeout = o.requestTimeout;
    server.setTimeout(o.connectionTimeout);
    return server;
  };
}
