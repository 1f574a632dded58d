import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, preHandlerAsyncHookHandler } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { EmailInvites } from '../../app/email-invites.ts';
import type { InboundMail } from '../../app/inbound-mail.ts';
import type { CurrentVisitor } from '../plugins/session.ts';
import { problem, sendProblem } from '../problem.ts';
import { sendSmallPage } from '../small-page.ts';

// Email invites over HTTP (issue 15): the person's address (/api/v1/me/email), the links in
// our emails (verify, unsubscribe: RFC 8058 one-click), replies coming back
// (/api/v1/inbound-mail) and the organizer's count of invites per event.

export interface EmailRoutesDeps {
  invites: EmailInvites;
  inbound: InboundMail;
  currentVisitor: CurrentVisitor;
  /** INBOUND_MAIL_TOKEN; null refuses every inbound message. */
  inboundToken: string | null;
  adminOnly: preHandlerAsyncHookHandler;
}

export const EmailStateJson = Type.Object({
  address: Type.String(),
  verified: Type.Boolean(),
  failing: Type.Union([Type.String(), Type.Null()]),
  delivery: Type.Union([Type.Literal('auto'), Type.Literal('email')]),
  syncedBy: Type.Union([Type.Literal('google'), Type.Literal('microsoft'), Type.Null()]),
  channel: Type.Union([Type.Literal('email'), Type.Literal('sync')]),
});
const EmailEnvelope = Type.Object({ email: Type.Union([EmailStateJson, Type.Null()]) });
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
const tags = ['email'];
const INBOUND_LIMIT = 10 * 1024 * 1024;

const sha = (s: string) => createHash('sha256').update(s).digest();
/** Compares digests, so neither the length nor a prefix of the token leaks through timing. */
const sameToken = (given: string, expected: string) => timingSafeEqual(sha(given), sha(expected));

export async function emailRoutes(app: FastifyInstance, deps: EmailRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'private, no-store');
  // One-click unsubscribe posts a form (RFC 8058 §3.1); its content does not matter.
  app.addContentTypeParser(['application/x-www-form-urlencoded', 'multipart/form-data'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('message/rfc822', { parseAs: 'buffer', bodyLimit: INBOUND_LIMIT }, (_req, body, done) => done(null, body));

  r.get('/api/v1/me/email', { schema: { tags, summary: "The visitor's invite address and how saved events reach it", response: { 200: EmailEnvelope } } }, async (request, reply) => {
    const visitorId = deps.currentVisitor.peek(request, reply);
    noStore(reply);
    return { email: await deps.invites.state(visitorId) };
  });

  r.put(
    '/api/v1/me/email',
    {
      schema: {
        tags,
        summary: 'Give an address for email invites: 202, a verification email is on its way; nothing else is sent until its link is opened',
        body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }) }, { additionalProperties: false }),
        response: { 202: EmailEnvelope, 422: { $ref: 'Problem#' }, 429: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const visitorId = await deps.currentVisitor(request, reply);
      await deps.invites.give(visitorId, request.body.email);
      return noStore(reply).code(202).send({ email: await deps.invites.state(visitorId) });
    },
  );

  r.patch(
    '/api/v1/me/email',
    {
      schema: {
        tags,
        summary: 'How saved events reach the address: `auto` (a push connection to the same account wins) or `email` (invites too)',
        body: Type.Object({ delivery: Type.Union([Type.Literal('auto'), Type.Literal('email')]) }, { additionalProperties: false }),
        response: { 200: EmailEnvelope, 404: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      await deps.invites.setDelivery(visitorId, request.body.delivery);
      return noStore(reply).send({ email: await deps.invites.state(visitorId) });
    },
  );

  r.delete('/api/v1/me/email', { schema: { tags, summary: 'Forget the address: no more email', response: { 204: Type.Null() } } }, async (request, reply) => {
    const visitorId = deps.currentVisitor.peek(request, reply);
    await deps.invites.forget(visitorId);
    return noStore(reply).code(204).send();
  });

  // The links in emails carry a secret: never cached, never passed on as a Referer.
  const linkReply = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');

  r.get('/email/verify/:token', { schema: { tags, summary: 'The verification link: a plain GET verifies, then every saved event is sent', params: TokenParams } }, async (request, reply) => {
    const ok = await deps.invites.verify(request.params.token);
    return linkReply(reply).redirect(ok ? '/me?email=verified' : '/me?email=link-expired', 303);
  });

  r.get('/email/unsubscribe/:token', { schema: { tags, summary: 'Unsubscribe page (a GET changes nothing: link scanners open it)', params: TokenParams } }, async (request, reply) => {
    const action = `/email/unsubscribe/${encodeURIComponent(request.params.token)}`;
    const form = `<p>Stop all Calendar Club email to this address?</p><form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`;
    return sendSmallPage(linkReply(reply), 200, 'Unsubscribe', form);
  });

  r.post('/email/unsubscribe/:token', { schema: { tags, summary: 'One-click unsubscribe (RFC 8058): the address is forgotten, no more email', params: TokenParams } }, async (request, reply) => {
    await deps.invites.unsubscribe(request.params.token);
    // The same answer for an unknown token: it was used already, or never existed.
    return sendSmallPage(linkReply(reply), 200, 'Unsubscribed', '<p>No more email goes to this address. You can give an address again on My events.</p>');
  });

  r.post(
    '/api/v1/inbound-mail',
    {
      bodyLimit: INBOUND_LIMIT,
      // Checked before the body is read: nobody without the token makes us parse 10 MB.
      onRequest: async (request, reply) => {
        const header = request.headers.authorization ?? '';
        const given = header.startsWith('Bearer ') ? header.slice(7) : '';
        if (!deps.inboundToken || !sameToken(given, deps.inboundToken)) {
          return sendProblem(reply.header('WWW-Authenticate', 'Bearer'), problem(401, 'a valid INBOUND_MAIL_TOKEN is required'));
        }
      },
      schema: {
        tags,
        summary: 'One raw RFC 5322 message (Content-Type: message/rfc822) from an inbound-mail service or an MTA pipe; iTIP replies and bounces are acted on',
        security: [{ inboundToken: [] }],
        response: { 202: Type.Object({ outcome: Type.String(), reason: Type.Optional(Type.String()), events: Type.Optional(Type.Integer()), addresses: Type.Optional(Type.Integer()) }), 401: { $ref: 'Problem#' }, 415: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) return sendProblem(reply, problem(415, 'send the raw message as Content-Type: message/rfc822'));
      const result = await deps.inbound.receive(request.body);
      request.log.info({ outcome: result.outcome, reason: 'reason' in result ? result.reason : undefined }, 'inbound mail');
      return reply.code(202).send(result);
    },
  );

  r.get(
    '/api/v1/events/:id/invites',
    {
      preHandler: deps.adminOnly,
      schema: {
        tags,
        summary: 'Organizer: how many email invites of this event went out, failed, or wait',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 120 }) }),
        security: [{ adminToken: [] }],
        response: { 200: Type.Object({ sent: Type.Integer(), failed: Type.Integer(), pending: Type.Integer() }) },
      },
    },
    async (request, reply) => {
      noStore(reply);
      return deps.invites.stats(request.params.id);
    },
  );
}
