import { useState } from 'preact/hooks';
import { api, ApiError, type EventJson } from '../api.ts';
import { viewerZone } from '../format.ts';
import { fieldSentences, formSummary } from './form-errors.ts';
import { RepeatField } from './RepeatField.tsx';
import { choiceFromRule, ruleFromChoice } from './repeat-choice.ts';

// Create or edit an event. Field errors from the server's problem document appear next to
// their fields; a save reports the new SEQUENCE.

interface Props {
  event: EventJson | null;
  onSaved(event: EventJson): void;
}

const ZONES: string[] = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [viewerZone];

export function EventForm({ event, onSaved }: Props) {
  const [allDay, setAllDay] = useState(event?.allDay ?? false);
  // Controlled: Preact ignores defaultValue on <select>, which once showed (and saved) the first
  // zone in the list for every edit. An edit keeps the event's zone; a new event starts in ours.
  const [timezone, setTimezone] = useState(event?.timezone ?? viewerZone);
  // The start as typed (the preview follows it) and the series' Repeats choices. A stored rule
  // the organizer does not touch is sent back as it is, so an edit never rewrites it.
  const [start, setStart] = useState(event ? (event.allDay ? event.start.slice(0, 10) : event.start.slice(0, 16)) : '');
  const [repeat, setRepeat] = useState(() => choiceFromRule(event?.rrule ?? null, event?.start ?? ''));
  const [repeatTouched, setRepeatTouched] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');

  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '');
    const optional = (name: string) => (text(name).trim() === '' ? null : text(name));
    const body = {
      title: text('title'),
      description: optional('description'),
      location: optional('location'),
      url: optional('url'),
      categories: text('categories')
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
      allDay,
      start: text('start'),
      end: text('end'),
      timezone: text('timezone'),
      rrule: repeatTouched || !event ? ruleFromChoice(repeat, text('start')) : (event.rrule ?? null),
    };
    try {
      const saved = event
        ? await api<EventJson>(`/api/v1/events/${encodeURIComponent(event.id)}`, { method: 'PATCH', body: JSON.stringify(body) })
        : await api<EventJson>('/api/v1/events', { method: 'POST', body: JSON.stringify(body) });
      setErrors({});
      setMessage('');
      onSaved(saved);
    } catch (err) {
      if (!(err instanceof ApiError)) return setMessage('The event could not be saved. Check your connection and try again.');
      const fields = fieldSentences(err.problem, { start: body.start, allDay });
      setErrors(fields);
      setMessage(formSummary(err.problem, fields));
    }
  }

  const field = (name: string, label: string, input: preact.JSX.Element) => (
    <div class={`field${errors[name] ? ' invalid' : ''}`}>
      <label for={`f-${name}`}>{label}</label>
      {input}
      {errors[name] && (
        <p class="error" id={`e-${name}`}>
          {errors[name]}
        </p>
      )}
    </div>
  );
  const described = (name: string) => (errors[name] ? { 'aria-invalid': true, 'aria-describedby': `e-${name}` } : {});
  const type = allDay ? 'date' : 'datetime-local';
  const value = (v: string | undefined) => (v ? (allDay ? v.slice(0, 10) : v.slice(0, 16)) : '');

  return (
    <form class="event-form" onSubmit={submit} noValidate>
      {field('title', 'Title', <input id="f-title" name="title" required defaultValue={event?.title} {...described('title')} />)}
      {field('description', 'Description', <textarea id="f-description" name="description" rows={4} defaultValue={event?.description ?? ''} {...described('description')} />)}
      {field('location', 'Location', <input id="f-location" name="location" defaultValue={event?.location ?? ''} {...described('location')} />)}
      {field('url', 'Link (http or https)', <input id="f-url" name="url" type="url" defaultValue={event?.url ?? ''} {...described('url')} />)}
      {field('categories', 'Categories (comma-separated)', <input id="f-categories" name="categories" defaultValue={event?.categories.join(', ')} {...described('categories')} />)}
      <div class="field checkbox">
        <input id="f-allday" type="checkbox" checked={allDay} onChange={(e) => setAllDay((e.target as HTMLInputElement).checked)} />
        <label for="f-allday">All-day event (the end date is the day after the last day)</label>
      </div>
      <div class="row">
        {field('start', 'Starts', <input id="f-start" name="start" type={type} required defaultValue={value(event?.start)} key={`s-${type}`} onInput={(e) => setStart((e.target as HTMLInputElement).value)} {...described('start')} />)}
        {field('end', 'Ends', <input id="f-end" name="end" type={type} required defaultValue={value(event?.end)} key={`e-${type}`} {...described('end')} />)}
      </div>
      {field(
        'timezone',
        'Time zone',
        <select id="f-timezone" name="timezone" value={timezone} onChange={(e) => setTimezone((e.target as HTMLSelectElement).value)} {...described('timezone')}>
          {(ZONES.includes(timezone) ? ZONES : [timezone, ...ZONES]).map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>,
      )}
      <RepeatField choice={repeat} onChange={(next) => (setRepeat(next), setRepeatTouched(true))} start={start} timezone={timezone} error={errors.rrule} />
      <p role="alert" class="error">
        {message}
      </p>
      <button type="submit" class="button primary">
        {event ? 'Save changes' : 'Create event'}
      </button>
    </form>
  );
}
