import { useState } from 'preact/hooks';
import { api, ApiError, type ConnectionJson } from '../api.ts';

/** Where saved events go: the app's own "Calendar Club" calendar by default, or one the person picks. */
/** `pickCalendarUrl`: set while the grant covers only the app's own calendar (Google calendar.app.created). */
export function TargetCalendar({ connection, onChanged }: { connection: ConnectionJson & { pickCalendarUrl?: string | null }; onChanged: () => void }) {
  const [calendars, setCalendars] = useState<{ id: string; name: string; writable: boolean }[] | null>(null);
  const [message, setMessage] = useState('');

  async function open() {
    try {
      setCalendars((await api<{ items: { id: string; name: string; writable: boolean }[] }>(`/api/v1/me/connections/${encodeURIComponent(connection.id)}/calendars`)).items);
    } catch (err) {
      setMessage(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'Could not list calendars.');
    }
  }

  async function choose(calendarId: string) {
    try {
      await api(`/api/v1/me/connections/${encodeURIComponent(connection.id)}`, { method: 'PATCH', body: JSON.stringify({ targetCalendarId: calendarId }) });
      setMessage('Saved.');
      onChanged();
    } catch (err) {
      setMessage(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'Could not change the calendar.');
    }
  }

  return (
    <p class="small">
      Saved events go to <strong>{connection.targetCalendar?.name ?? 'a calendar we will create'}</strong>.{' '}
      {calendars === null ? (
        <button type="button" class="link" onClick={open}>
          Choose another
        </button>
      ) : (
        <select aria-label="Calendar for saved events" value={connection.targetCalendar?.id} onChange={(e) => void choose((e.target as HTMLSelectElement).value)}>
          {calendars
            .filter((c) => c.writable)
            .map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
        </select>
      )}{' '}
      {connection.pickCalendarUrl && (
        // Google asks the person for the extra permission first, then brings them back here.
        <a class="link" href={connection.pickCalendarUrl}>
          Use one of my own calendars
        </a>
      )}{' '}
      <span role="status">{message}</span>
    </p>
  );
}
