import type { Kysely, Selectable } from 'kysely';
import type { Database, VisitorEmailsTable } from './schema.ts';
import { enqueueInvitesForVisitor, enqueueVerification, type VerifyMail } from './mail-jobs.ts';
import type { InviteRecord } from '../../core/mail/invite-plan.ts';
import type { InviteMethod } from '../../core/mail/itip.ts';

// A visitor's invite address and, per event, the invite last sent there. Jobs that follow from a
// change (verification, "send everything saved") commit in the change's transaction.

export type Delivery = 'auto' | 'email';

export interface VisitorEmail {
  visitorId: string;
  address: string;
  verifiedAt: number | null;
  verifySentAt: number;
  failingAt: number | null;
  failingReason: string | null;
  delivery: Delivery;
  unsubscribeTokenHash: string;
  unsubscribeSealed: string;
}

const toEmail = (r: Selectable<VisitorEmailsTable>): VisitorEmail => ({
  visitorId: r.visitor_id,
  address: r.address,
  verifiedAt: r.verified_at === null ? null : Number(r.verified_at),
  verifySentAt: Number(r.verify_sent_at),
  failingAt: r.failing_at === null ? null : Number(r.failing_at),
  failingReason: r.failing_reason,
  delivery: r.delivery === 'email' ? 'email' : 'auto',
  unsubscribeTokenHash: r.unsubscribe_token_hash,
  unsubscribeSealed: r.unsubscribe_sealed,
});

/** The push connection (Google or Microsoft) that delivers to this address, if any. */
async function syncedAccount(db: Kysely<Database>, visitorId: string, address: string): Promise<'google' | 'microsoft' | null> {
  const row = await db
    .selectFrom('connections')
    .select('kind')
    .where('visitor_id', '=', visitorId)
    .where('mode', '=', 'push')
    .where('kind', 'in', ['google', 'microsoft'])
    .where((eb) => eb(eb.fn('lower', ['account']), '=', address))
    .orderBy('kind')
    .executeTakeFirst();
  return (row?.kind as 'google' | 'microsoft' | undefined) ?? null;
}

export type EmailRepository = ReturnType<typeof createEmailRepository>;

export function createEmailRepository(db: Kysely<Database>) {
  return {
    async get(visitorId: string): Promise<VisitorEmail | null> {
      const row = await db.selectFrom('visitor_emails').selectAll().where('visitor_id', '=', visitorId).executeTakeFirst();
      return row ? toEmail(row) : null;
    },

    syncedAccount: (visitorId: string, address: string) => syncedAccount(db, visitorId, address),

    /** A new (or newly confirmed) address: unverified until the link in the queued email is opened. */
    async give(e: { visitorId: string; address: string; unsubscribeTokenHash: string; unsubscribeSealed: string }, verify: VerifyMail, now: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const row = {
          address: e.address,
          verified_at: null,
          verify_token_hash: verify.tokenHash,
          verify_sent_at: now,
          unsubscribe_token_hash: e.unsubscribeTokenHash,
          unsubscribe_sealed: e.unsubscribeSealed,
          failing_at: null,
          failing_reason: null,
          updated_at: now,
        };
        await trx
          .insertInto('visitor_emails')
          .values({ visitor_id: e.visitorId, delivery: 'auto', created_at: now, ...row })
          .onConflict((oc) => oc.column('visitor_id').doUpdateSet(row))
          .execute();
        await enqueueVerification(trx, verify, now);
      });
    },

    /** Opens the verification link: true once verified; every saved event is queued to be sent. */
    async verify(tokenHash: string, notBefore: number, now: number): Promise<string | null> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('visitor_emails')
          .set({ verified_at: now, verify_token_hash: null, updated_at: now })
          .where('verify_token_hash', '=', tokenHash)
          .where('verify_sent_at', '>=', notBefore)
          .returning('visitor_id')
          .executeTakeFirst();
        if (!row) return null;
        await enqueueInvitesForVisitor(trx, row.visitor_id, now);
        return row.visitor_id;
      });
    },

    /** The address the verification job should mail, if that token is still the current one. */
    async pendingVerification(visitorId: string, tokenHash: string): Promise<VisitorEmail | null> {
      const row = await db.selectFrom('visitor_emails').selectAll().where('visitor_id', '=', visitorId).where('verify_token_hash', '=', tokenHash).executeTakeFirst();
      return row ? toEmail(row) : null;
    },

    async forget(visitorId: string): Promise<boolean> {
      const r = await db.deleteFrom('visitor_emails').where('visitor_id', '=', visitorId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async unsubscribe(tokenHash: string): Promise<boolean> {
      const r = await db.deleteFrom('visitor_emails').where('unsubscribe_token_hash', '=', tokenHash).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    /** The person picks the channel for an address a push connection also reaches. */
    async setDelivery(visitorId: string, delivery: Delivery, now: number): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const r = await trx.updateTable('visitor_emails').set({ delivery, updated_at: now }).where('visitor_id', '=', visitorId).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
        await enqueueInvitesForVisitor(trx, visitorId, now);
        return true;
      });
    },

    /** A permanent refusal (5xx, a bounce): nothing more goes there until the address is given again. */
    async markFailing(address: string, reason: string, now: number, visitorId?: string): Promise<number> {
      let q = db.updateTable('visitor_emails').set({ failing_at: now, failing_reason: reason.slice(0, 300), updated_at: now }).where('address', '=', address);
      if (visitorId) q = q.where('visitor_id', '=', visitorId);
      return Number((await q.executeTakeFirst()).numUpdatedRows);
    },

    async record(visitorId: string, eventId: string): Promise<InviteRecord | null> {
      const r = await db.selectFrom('email_invites').selectAll().where('visitor_id', '=', visitorId).where('event_id', '=', eventId).executeTakeFirst();
      if (!r) return null;
      return {
        address: r.address,
        method: (r.method as InviteMethod | null) ?? null,
        sequence: r.sequence === null ? null : Number(r.sequence),
        attemptKey: r.attempt_key,
        attemptCount: Number(r.attempt_count),
      };
    },

    /** Written before the message goes out: a lost answer is then known on the next run. */
    async recordAttempt(visitorId: string, eventId: string, address: string, key: string, now: number): Promise<void> {
      const previous = await this.record(visitorId, eventId);
      const count = previous?.attemptKey === key ? previous.attemptCount + 1 : 1;
      await db
        .insertInto('email_invites')
        .values({ visitor_id: visitorId, event_id: eventId, address, attempt_key: key, attempt_count: count, state: 'pending', updated_at: now })
        .onConflict((oc) => oc.columns(['visitor_id', 'event_id']).doUpdateSet({ attempt_key: key, attempt_count: count, state: 'pending', updated_at: now }))
        .execute();
    },

    async recordSent(visitorId: string, eventId: string, sent: { address: string; method: InviteMethod; sequence: number }, now: number, state: 'sent' | 'declined' = 'sent'): Promise<void> {
      const row = { address: sent.address, method: sent.method, sequence: sent.sequence, sent_at: now, attempt_key: null, attempt_count: 0, state, last_error: null, updated_at: now };
      await db
        .insertInto('email_invites')
        .values({ visitor_id: visitorId, event_id: eventId, ...row })
        .onConflict((oc) => oc.columns(['visitor_id', 'event_id']).doUpdateSet(row))
        .execute();
    },

    /** The server answered "no": nothing went out, so the attempt marker goes (unless the answer was lost). */
    async recordFailure(visitorId: string, eventId: string, error: string, state: 'pending' | 'failed', keepAttempt: boolean, now: number): Promise<void> {
      await db
        .updateTable('email_invites')
        .set({ state, last_error: error.slice(0, 300), updated_at: now, ...(keepAttempt ? {} : { attempt_key: null, attempt_count: 0 }) })
        .where('visitor_id', '=', visitorId)
        .where('event_id', '=', eventId)
        .execute();
    },

    /** Organizer view: how many people were sent the event, how many could not be reached. */
    async stats(eventId: string): Promise<{ sent: number; failed: number; pending: number }> {
      const rows = await db.selectFrom('email_invites').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('event_id', '=', eventId).groupBy('state').execute();
      const n = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
      return { sent: n('sent') + n('declined'), failed: n('failed'), pending: n('pending') };
    },

    /** Who may answer for `uid` from `address`: verified there, and has or had the event. */
    async replyCandidates(address: string, uid: string): Promise<{ visitorId: string; eventId: string; saved: boolean }[]> {
      const event = await db.selectFrom('events').select(['id']).where('uid', '=', uid).executeTakeFirst();
      if (!event) return [];
      const people = await db.selectFrom('visitor_emails').select('visitor_id').where('address', '=', address).where('verified_at', 'is not', null).execute();
      const out: { visitorId: string; eventId: string; saved: boolean }[] = [];
      for (const p of people) {
        const [saved, sent] = await Promise.all([
          db.selectFrom('saved_events').select('event_id').where('visitor_id', '=', p.visitor_id).where('event_id', '=', event.id).executeTakeFirst(),
          db.selectFrom('email_invites').select('event_id').where('visitor_id', '=', p.visitor_id).where('event_id', '=', event.id).where('method', 'is not', null).executeTakeFirst(),
        ]);
        if (saved || sent) out.push({ visitorId: p.visitor_id, eventId: event.id, saved: saved !== undefined });
      }
      return out;
    },
  };
}
