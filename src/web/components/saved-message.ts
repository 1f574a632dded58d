// After saving: say where the event really is now. It is always on My events; it is in a
// calendar only through a connected calendar or a subscribed personal feed, so say which, or
// how to get it there when there is neither.

// A series is saved whole, every date of it, which people do not assume (most calendars ask
// "this event or all events?"), so the message says so, with how many dates are still to come.

/** `seriesDates`: for a series, its coming dates that are not cancelled (null: unknown). */
export function savedMessage(pushTargets: string[], hasPersonalFeed: boolean, seriesDates?: number | null): string {
  const places = [...pushTargets, ...(hasPersonalFeed ? ['your personal feed'] : [])];
  const many = typeof seriesDates === 'number' && seriesDates > 1;
  const what =
    seriesDates === undefined ? 'Saved'
    : seriesDates === 1 ? 'Saved the last coming date of this series'
    : seriesDates === null || seriesDates === 0 ? 'Saved this whole series'
    : `Saved all ${seriesDates} coming dates of this series`;
  if (places.length > 0) return `${what} to My events. ${many ? 'They are on their' : 'It is on its'} way to ${places.join(' and ')}.`;
  return `${what} to My events. To get ${many ? 'them' : 'it'} into your calendar, use “Add to calendar”, or connect a calendar or subscribe to your feed on My events.`;
}
