import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type EventJson, type OccurrenceJson } from '../api.ts';
import { formatWhen } from '../format.ts';
import { fieldSentences } from '../pages/form-errors.ts';

// One date of a series, changed or cancelled on its own (the occurrence routes). The rest of
// the series stays as it is; subscribers see the change as that date's own copy.

const SHOWN = 12;

interface Props {
  event: EventJson;
  /** After a date changed: the series' SEQUENCE went up. */
  onChanged(message: string): void;
}

export function OccurrencesPanel({ event, onChanged }: Props) {
  const [dates, setDates] = useState<OccurrenceJson[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const path = `/api/v1/events/${encodeURIComponent(event.id)}/occurrences`;

  const load = () =>
    api<{ items: OccurrenceJson[] }>(path)
      .then((r) => setDates(r.items))
      .catch(() => setMessage('The dates could not be loaded.'));
  useEffect(() => void load(), [event.id, event.updatedAt]);

  const whenOf = (o: OccurrenceJson) => formatWhen({ ...event, start: o.start, end: o.end, startsAt: o.startsAt, endsAt: o.endsAt }, event.timezone);
  const cut = (v: string) => (event.allDay ? v.slice(0, 10) : v.slice(0, 16));

  async function cancel(o: OccurrenceJson) {
    setConfirming(null);
    try {
      await api(`${path}/${encodeURIComponent(o.occurrence)}/cancel`, { method: 'POST' });
      onChanged(`Cancelled ${whenOf(o)} only; the other dates stay.`);
      await load();
    } catch (err) {
      setMessage(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : 'That date could not be cancelled.');
    }
  }

  async function change(o: OccurrenceJson, e: Event) {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const body = { title: String(form.get('title') ?? ''), start: String(form.get('start') ?? ''), end: String(form.get('end') ?? '') };
    try {
      await api(`${path}/${encodeURIComponent(o.occurrence)}`, { method: 'PATCH', body: JSON.stringify(body) });
      setEditing(null);
      setErrors({});
      onChanged(`Changed the date ${whenOf(o)} only; the other dates stay.`);
      await load();
    } catch (err) {
      if (!(err instanceof ApiError)) return setMessage('That date could not be saved. Check your connection and try again.');
      setErrors(fieldSentences(err.problem, { start: body.start, allDay: event.allDay }));
    }
  }

  if (!dates) return <p class="muted">{message || 'Loading the dates…'}</p>;
  const type = event.allDay ? 'date' : 'datetime-local';
  return (
    <section aria-labelledby="dates-title" class="occurrences">
      <h2 id="dates-title">Dates of this series</h2>
      <p class="muted">Change or cancel one date; the rest of the series stays as it is.</p>
      <ul class="date-list" data-testid="organizer-dates">
        {dates.slice(0, SHOWN).map((o) => (
          <li key={o.occurrence} class={o.status === 'cancelled' ? 'cancelled' : undefined}>
            <span>{o.status === 'cancelled' ? <s>{whenOf(o)}</s> : whenOf(o)}</span>
            {o.title !== event.title && <span class="muted"> — {o.title}</span>}{' '}
            {o.status === 'cancelled' ? (
              <span class="badge danger">Cancelled</span>
            ) : (
              <>
                <button type="button" class="link" onClick={() => (setEditing(o.occurrence), setErrors({}))} aria-label={`Change ${whenOf(o)}`}>
                  Change
                </button>{' '}
                <button type="button" class="link" onClick={() => setConfirming(o.occurrence)} aria-label={`Cancel ${whenOf(o)}`}>
                  Cancel this date
                </button>
              </>
            )}
            {confirming === o.occurrence && (
              <div class="banner warn" role="alert">
                <p>Cancel {whenOf(o)} only? People see that date as cancelled; the other dates stay.</p>
                <button type="button" class="button danger" onClick={() => void cancel(o)}>
                  Yes, cancel this date
                </button>{' '}
                <button type="button" class="button" onClick={() => setConfirming(null)}>
                  Keep it
                </button>
              </div>
            )}
            {editing === o.occurrence && (
              <form class="occurrence-form" onSubmit={(e) => void change(o, e)} noValidate>
                {(['title', 'start', 'end'] as const).map((name) => (
                  <div class={`field${errors[name] ? ' invalid' : ''}`} key={name}>
                    <label for={`o-${name}`}>{name === 'title' ? 'Title of this date' : name === 'start' ? 'Starts' : 'Ends'}</label>
                    <input id={`o-${name}`} name={name} type={name === 'title' ? 'text' : type} defaultValue={name === 'title' ? o.title : cut(o[name])} />
                    {errors[name] && <p class="error">{errors[name]}</p>}
                  </div>
                ))}
                <button type="submit" class="button primary">
                  Save this date
                </button>{' '}
                <button type="button" class="button" onClick={() => setEditing(null)}>
                  Close
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {dates.length > SHOWN && <p class="muted">and {dates.length - SHOWN} more dates.</p>}
      <p class="muted" aria-live="polite">
        {message}
      </p>
    </section>
  );
}
