import type { CalendarEvent } from '../events/event.ts';
import type { InviteMethod } from './itip.ts';

// What one person's mailbox should have received for one event, against what we sent last.
// An invite job does not say "send": it runs this, so a job that runs twice, or after a later
// job, sends nothing new (at most one email per change and person).

export interface InviteAddress {
  address: string;
  verified: boolean;
  /** A permanent failure (5xx, bounce): nothing is sent until the person gives the address again. */
  failing: boolean;
  /** A push connection delivers to the same account and the person left it at that. */
  coveredBySync: boolean;
}

export interface InviteRecord {
  address: string;
  method: InviteMethod | null;
  sequence: number | null;
  /** A send whose answer never came (`METHOD:SEQUENCE:address`) and how often it was tried. */
  attemptKey: string | null;
  attemptCount: number;
}

export type InvitePlan =
  | { action: 'send'; method: InviteMethod; key: string }
  /** Sent twice without an answer: taken as delivered (a lost answer resends at most once). */
  | { action: 'assume_sent'; method: InviteMethod; key: string }
  | { action: 'nothing'; why: 'no_address' | 'unverified' | 'failing' | 'sync' | 'not_wanted' | 'already_sent' };

export const inviteKey = (method: InviteMethod, sequence: number, address: string) => `${method}:${sequence}:${address}`;

export function planInvite(input: { event: CalendarEvent | null; saved: boolean; address: InviteAddress | null; record: InviteRecord | null }): InvitePlan {
  const { event, saved, address, record } = input;
  if (!address) return { action: 'nothing', why: 'no_address' };
  if (!address.verified) return { action: 'nothing', why: 'unverified' };
  if (address.failing) return { action: 'nothing', why: 'failing' };
  // Push already puts it in that account's calendar; a CANCEL by email would also hit the pushed
  // copy there (same UID), so nothing is sent either way.
  if (address.coveredBySync) return { action: 'nothing', why: 'sync' };
  if (!event) return { action: 'nothing', why: 'not_wanted' };
  const wantsIt = saved && event.status !== 'cancelled';
  const hasIt = record?.method === 'REQUEST';
  const method: InviteMethod | null = wantsIt ? 'REQUEST' : hasIt ? 'CANCEL' : null;
  if (!method) return { action: 'nothing', why: 'not_wanted' };
  const key = inviteKey(method, event.sequence, address.address);
  if (record && record.method && record.sequence !== null && inviteKey(record.method, record.sequence, record.address) === key) {
    return { action: 'nothing', why: 'already_sent' };
  }
  if (record?.attemptKey === key && record.attemptCount >= 2) return { action: 'assume_sent', method, key };
  return { action: 'send', method, key };
}
