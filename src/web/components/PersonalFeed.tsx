import { useEffect, useState } from 'preact/hooks';
import { api, type FeedLinks } from '../api.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { SubscribeDialog } from './SubscribeDialog.tsx';

interface FeedToken {
  state: 'none' | 'available' | 'unrecoverable';
  url: string | null;
  links: FeedLinks | null;
}

/** The personal feed: its address, shown again at any visit; a new one or none only after asking. */
export function PersonalFeed({ onChanged }: { onChanged: () => void }) {
  const [feed, setFeed] = useState<FeedToken | null>(null);
  const [asking, setAsking] = useState<'rotate' | 'revoke' | null>(null);
  const [subscribing, setSubscribing] = useState(false);
  const [copied, setCopied] = useState(false);
  const [status, setStatus] = useState('');

  const load = () => api<FeedToken>('/api/v1/me/feed-token').then(setFeed);
  useEffect(() => {
    load().catch(() => setStatus('Your feed address could not be loaded.'));
  }, []);

  async function rotate() {
    const had = feed?.state !== 'none';
    setAsking(null);
    await api('/api/v1/me/feed-token/rotate', { method: 'POST' });
    await load();
    setStatus(had ? 'Your feed has a new address. Subscribe to it again in your calendar app; the old subscription no longer updates.' : 'Your feed address is ready. Subscribe to it in your calendar app.');
    onChanged();
  }
  async function revoke() {
    setAsking(null);
    await api('/api/v1/me/feed-token', { method: 'DELETE' });
    await load();
    setStatus('Your feed is off. Calendars subscribed to it keep the events they have but get no more changes.');
    onChanged();
  }
  async function copy(url: string) {
    await navigator.clipboard?.writeText(url).catch(() => undefined);
    setCopied(true);
  }

  return (
    <>
      <h2>My personal feed</h2>
      <p class="muted">A private calendar feed of your saved events. Anyone with the address can read it, so keep it to yourself; make a new one if it leaks.</p>
      {feed?.state === 'available' && feed.url && (
        <div class="feed-url">
          <label for="personal-url">Your feed address</label>
          <input id="personal-url" readOnly value={feed.url} onFocus={(e) => (e.target as HTMLInputElement).select()} />
          <button type="button" class="button" onClick={() => void copy(feed.url!)}>
            {copied ? 'Copied' : 'Copy'}
          </button>
          <button type="button" class="button primary" onClick={() => setSubscribing(true)}>
            Subscribe…
          </button>
        </div>
      )}
      {feed?.state === 'unrecoverable' && (
        <p class="banner" role="note">
          Your feed was made before we kept its address, so the address can only be seen by making a new one. Calendars subscribed to the old
          address would then stop updating, so subscribe again with the new one.
        </p>
      )}
      <p aria-live="polite" class="status">
        {status}
      </p>
      {feed && (
        <div class="actions">
          <button type="button" class="button" onClick={() => (feed.state === 'none' ? void rotate() : setAsking('rotate'))}>
            {feed.state === 'none' ? 'Create my feed address' : 'Make a new feed address'}
          </button>
          {feed.state !== 'none' && (
            <button type="button" class="button danger" onClick={() => setAsking('revoke')}>
              Turn off my feed
            </button>
          )}
        </div>
      )}
      {asking === 'rotate' && (
        <ConfirmDialog title="Make a new feed address?" confirmLabel="Make a new address" onConfirm={() => void rotate()} onCancel={() => setAsking(null)}>
          <p>The current address stops working at once. Any calendar subscribed to it stops getting your saved events; you will need to subscribe again with the new address.</p>
          <p class="muted">Do this if the address has leaked. To see the address again, you don't need a new one: it stays on this page.</p>
        </ConfirmDialog>
      )}
      {asking === 'revoke' && (
        <ConfirmDialog title="Turn off your feed?" danger confirmLabel="Turn off my feed" onConfirm={() => void revoke()} onCancel={() => setAsking(null)}>
          <p>The address stops working at once. Calendars subscribed to it keep what they have but get no new or changed events. Your saved events stay on My events.</p>
        </ConfirmDialog>
      )}
      {subscribing && feed?.links && <SubscribeDialog name="My events" links={feed.links} onClose={() => setSubscribing(false)} />}
    </>
  );
}
