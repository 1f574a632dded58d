import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, json, type ConnectionJson } from '../api.ts';

// Email invites (issue 15): the address on My events (give, confirm, remove, which channel
// delivers), "Email me the invite" on the event page, and the organizer's invite counts.

export interface EmailState {
  address: string;
  verified: boolean;
  failing: string | null;
  delivery: 'auto' | 'email';
  syncedBy: 'google' | 'microsoft' | null;
  channel: 'email' | 'sync';
}

const SERVICE: Record<string, string> = { google: 'Google', microsoft: 'Microsoft' };
const problemText = (err: unknown, fallback: string) =>
  err instanceof ApiError ? (err.problem.errors?.[0] ? `The address ${err.problem.errors[0].message}.` : (err.problem.detail ?? err.problem.title)) : fallback;
const loadEmail = () => api<{ email: EmailState | null }>('/api/v1/me/email').then((r) => r.email);

/** "Google gets your events by sync; ana@… by email." */
export function channelsSentence(email: EmailState | null, connections: ConnectionJson[]): string {
  const parts = connections.filter((c) => c.mode === 'push' && c.status === 'active').map((c) => `${c.service} gets your events by sync`);
  if (email?.verified && !email.failing && email.channel === 'email') parts.push(`${email.address} by email`);
  return parts.length > 0 ? `${parts.join('; ')}.` : '';
}

/** My events: the invite address and how saved events reach it. */
export function EmailInvites({ connections = [] }: { connections?: ConnectionJson[] }) {
  const [email, setEmail] = useState<EmailState | null | undefined>(undefined);
  const [draft, setDraft] = useState('');
  const [status, setStatus] = useState(() =>
    typeof location !== 'undefined' && new URLSearchParams(location.search).get('email') === 'verified'
      ? 'Your address is confirmed: your saved events are on their way as invitations.'
      : typeof location !== 'undefined' && new URLSearchParams(location.search).get('email') === 'link-expired'
        ? 'That confirmation link has expired or was used already. Give your address again for a new one.'
        : '',
  );
  useEffect(() => {
    loadEmail().then(setEmail, () => setStatus('Your email settings could not be loaded.'));
  }, []);

  async function give(event: Event) {
    event.preventDefault();
    try {
      const r = await api<{ email: EmailState }>('/api/v1/me/email', { method: 'PUT', body: json({ email: draft }) });
      setEmail(r.email);
      setDraft('');
      setStatus(`We sent a link to ${r.email.address}. Open it to start getting invitations.`);
    } catch (err) {
      setStatus(problemText(err, 'The address could not be saved.'));
    }
  }
  async function remove() {
    await api('/api/v1/me/email', { method: 'DELETE' });
    setEmail(null);
    setStatus('Address removed: no more email from us.');
  }
  async function choose(delivery: 'auto' | 'email') {
    const r = await api<{ email: EmailState }>('/api/v1/me/email', { method: 'PATCH', body: json({ delivery }) });
    setEmail(r.email);
  }

  const sentence = channelsSentence(email ?? null, connections);
  return (
    <section aria-labelledby="email-invites-title" class="email-invites">
      <h2 id="email-invites-title">Invitations by email</h2>
      <p class="muted">Each event you save arrives as a calendar invitation (Gmail, Outlook, Apple Mail add it with one tap), and is updated or removed when it changes.</p>
      {sentence && <p data-testid="delivery-channels">{sentence}</p>}
      {email && (
        <div class="email-state">
          <p>
            <strong>{email.address}</strong>{' '}
            {email.failing ? (
              <span class="badge danger">Not working</span>
            ) : email.verified ? (
              <span class="badge">Confirmed</span>
            ) : (
              <span class="badge">Waiting for you to open the link we sent</span>
            )}{' '}
            <button type="button" class="link" onClick={() => void remove()}>
              Remove
            </button>
          </p>
          {email.failing && <p class="banner warn">Mail to this address does not arrive ({email.failing}). Give it again below to try once more, or use another one.</p>}
          {email.syncedBy && (
            <p>
              {email.channel === 'sync'
                ? `This is your ${SERVICE[email.syncedBy]} account: it gets your events by sync, so no invitations are emailed there. `
                : `Invitations go to this ${SERVICE[email.syncedBy]} address although sync also delivers there. `}
              <button type="button" class="link" onClick={() => void choose(email.channel === 'sync' ? 'email' : 'auto')}>
                {email.channel === 'sync' ? 'Email invitations there too' : 'Let sync alone deliver'}
              </button>
            </p>
          )}
        </div>
      )}
      {email !== undefined && (!email || email.failing || !email.verified) && (
        <form onSubmit={(e) => void give(e)} class="inline-form">
          <label>
            Email address{' '}
            <input type="email" required autocomplete="email" value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
          </label>{' '}
          <button type="submit" class="button">
            {email ? 'Send a new link' : 'Email me invitations'}
          </button>
        </form>
      )}
      <p aria-live="polite" class="status">
        {status}
      </p>
    </section>
  );
}

/** The event page: "Email me the invite" saves the event; without an address it asks for one. */
export function EmailInviteButton({ eventId, onSaved }: { eventId: string; onSaved?: () => void }) {
  const [email, setEmail] = useState<EmailState | null | undefined>(undefined);
  const [asking, setAsking] = useState(false);
  const [draft, setDraft] = useState('');
  const [status, setStatus] = useState('');
  useEffect(() => void loadEmail().then(setEmail, () => setEmail(null)), []);

  async function send(event?: Event) {
    event?.preventDefault();
    try {
      let current = email;
      if (!current?.verified || current.failing || draft) {
        if (!draft) return setAsking(true);
        current = (await api<{ email: EmailState }>('/api/v1/me/email', { method: 'PUT', body: json({ email: draft }) })).email;
        setEmail(current);
      }
      await api(`/api/v1/me/saved/${encodeURIComponent(eventId)}`, { method: 'POST' });
      onSaved?.();
      setAsking(false);
      setStatus(
        current.verified && !current.failing
          ? current.channel === 'sync'
            ? `Saved: your ${SERVICE[current.syncedBy ?? ''] ?? 'connected'} calendar gets it by sync.`
            : `Saved: the invitation is on its way to ${current.address}.`
          : `Saved. Open the link we sent to ${current.address}; the invitation follows.`,
      );
    } catch (err) {
      setStatus(problemText(err, 'The invitation could not be requested.'));
    }
  }

  return (
    <div class="email-invite">
      {!asking ? (
        <button type="button" class="button" onClick={() => void send()}>
          ✉ Email me the invite
        </button>
      ) : (
        <form onSubmit={(e) => void send(e)} class="inline-form">
          <label>
            Your email{' '}
            <input type="email" required autocomplete="email" value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
          </label>{' '}
          <button type="submit" class="button">
            Send
          </button>
        </form>
      )}
      {status && (
        <p aria-live="polite" class="muted">
          {status}
        </p>
      )}
    </div>
  );
}

/** Organizer: how many invitations of the event went out, failed, wait. */
export function InviteCounts({ eventId }: { eventId: string }) {
  const [counts, setCounts] = useState<{ sent: number; failed: number; pending: number } | null>(null);
  useEffect(() => void api<{ sent: number; failed: number; pending: number }>(`/api/v1/events/${encodeURIComponent(eventId)}/invites`).then(setCounts, () => setCounts(null)), [eventId]);
  if (!counts) return null;
  return (
    <p data-testid="invite-counts">
      Email invitations: {counts.sent} sent, {counts.pending} pending, {counts.failed} failed
    </p>
  );
}
