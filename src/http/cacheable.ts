import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Coding } from '../app/feeds.ts';
import { etagForCoding, isNotModified, negotiateCoding } from './conditional.ts';

export interface CacheableResource {
  /** Strong ETag of the identity representation. */
  etag: string;
  lastModified: number;
  cacheControl: string;
  contentType: string;
  contentDisposition: string;
  /**
   * Only called when the client has no usable copy. May return a newer version than the
   * validators above named (the store moved on); its own validators are then sent.
   */
  load(coding: Coding): Promise<{ etag: string; lastModified: number; body: Buffer }>;
}

/**
 * Answers GET/HEAD for a versioned representation: 304 when the client's validators match
 * (with the same caching headers a 200 would carry), otherwise the body in the best coding
 * the client accepts, with an ETag per coding.
 */
export async function sendCacheable(request: FastifyRequest, reply: FastifyReply, r: CacheableResource): Promise<FastifyReply> {
  const coding = negotiateCoding(request.headers['accept-encoding']);
  reply
    .header('ETag', etagForCoding(r.etag, coding))
    .header('Last-Modified', new Date(r.lastModified).toUTCString())
    .header('Cache-Control', r.cacheControl)
    .header('Vary', 'Accept-Encoding');
  const conditional = {
    method: request.method,
    ifNoneMatch: request.headers['if-none-match'],
    ifModifiedSince: request.headers['if-modified-since'],
  };
  if (isNotModified(conditional, r.etag, r.lastModified)) return reply.code(304).send();
  const loaded = await r.load(coding);
  reply
    .header('ETag', etagForCoding(loaded.etag, coding))
    .header('Last-Modified', new Date(loaded.lastModified).toUTCString())
    .header('Content-Type', r.contentType)
    .header('Content-Disposition', r.contentDisposition);
  if (coding !== 'identity') reply.header('Content-Encoding', coding);
  return reply.send(loaded.body);
}
