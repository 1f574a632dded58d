// After saving: say where the event really is now. It is always on My events; it is in a
// calendar only through a connected calendar or a subscribed personal feed, so say which, or
// how to get it there when there is neither.

export function savedMessage(pushTargets: string[], hasPersonalFeed: boolean): string {
  const places = [...pushTargets, ...(hasPersonalFeed ? ['your personal feed'] : [])];
  if (places.length > 0) return `Saved to My events. It is on its way to ${places.join(' and ')}.`;
  return 'Saved to My events. To get it into your calendar, use “Add to calendar”, or connect a calendar or subscribe to your feed on My events.';
}
