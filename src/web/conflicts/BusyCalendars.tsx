import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';

// The calendars of one connection that count for busy times, as checkboxes (issue 10). Kept
// apart from the target-calendar picker: this only changes what clashes are computed from.

interface BusyCalendarsJson {
  choice: 'default' | 'chosen';
  calendars: { id: string; name: string; owned: boolean; counts: boolean }[];
  note: string | null;
}

export function BusyCalendars({ connectionId }: { connectionId: string }) {
  const [state, setState] = useState<BusyCalendarsJson | null>(null);
  const [message, setMessage] = useState('');
  const url = `/api/v1/me/connections/${encodeURIComponent(connectionId)}/busy-calendars`;

  useEffect(() => {
    api<BusyCalendarsJson>(url)
      .then(setState)
      .catch((error: Error) => setMessage(`Your calendars could not be listed: ${error.message}`));
  }, [url]);

  async function toggle(id: string, counts: boolean) {
    if (!state) return;
    const calendarIds = state.calendars.filter((c) => (c.id === id ? counts : c.counts)).map((c) => c.id);
    try {
      setState(await api<BusyCalendarsJson>(url, { method: 'PUT', body: JSON.stringify({ calendarIds }) }));
      setMessage('Saved.');
    } catch (error) {
      setMessage(`Not saved: ${(error as Error).message}`);
    }
  }

  return (
    <fieldset class="busy-calendars">
      <legend>Calendars checked for clashes</legend>
      {state?.calendars.map((c) => (
        <label key={c.id} class="check">
          <input type="checkbox" checked={c.counts} onChange={(e) => void toggle(c.id, (e.target as HTMLInputElement).checked)} /> {c.name}
          {!c.owned && <span class="muted"> (shared with you)</span>}
        </label>
      ))}
      {/* Never an empty box: say what is happening while the list loads or when there is none. */}
      {!state && !message && <p class="muted small">Loading your calendars…</p>}
      {state && state.calendars.length === 0 && !state.note && <p class="muted small">No calendars were found in this account.</p>}
      {state?.note && <p class="muted small">{state.note}</p>}
      <p class="muted small" aria-live="polite">
        {message}
      </p>
    </fieldset>
  );
}
