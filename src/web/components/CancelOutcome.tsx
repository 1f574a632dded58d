import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';

// After a cancel, what happened to the copies in people's connected calendars: the worker
// removes them in the background, so this asks /sync until nothing is pending (or gives up
// after a while and says what it knows).

interface Counts {
  synced: number;
  pending: number;
  failed: number;
}

const copies = (n: number) => `${n} ${n === 1 ? 'copy' : 'copies'}`;

export function CancelOutcome({ eventId, before }: { eventId: string; before: number }) {
  const [now, setNow] = useState<Counts | null>(null);
  const [done, setDone] = useState(before === 0);

  useEffect(() => {
    if (before === 0) return;
    let stop = false;
    let tries = 0;
    const poll = async () => {
      const c = await api<Counts>(`/api/v1/events/${encodeURIComponent(eventId)}/sync`).catch(() => null);
      if (stop) return;
      if (c) setNow(c);
      const settled = c !== null && c.pending === 0 && c.synced === 0;
      if (settled || ++tries >= 30) return setDone(true);
      setTimeout(() => void poll(), 1000);
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [eventId, before]);

  if (before === 0) return <p data-testid="cancel-outcome">No one had it in a connected calendar; subscribed feeds now show it as cancelled.</p>;
  const left = now ? now.synced + now.pending + now.failed : before;
  const removed = Math.max(0, before - left);
  if (!done) return <p data-testid="cancel-outcome">Removing it from people's calendars… {removed} of {copies(before)} so far.</p>;
  return (
    <p data-testid="cancel-outcome">
      {copies(removed)} removed from people's calendars.
      {left > 0 && ` ${copies(left)} could not be removed yet; they are retried automatically.`}
    </p>
  );
}
