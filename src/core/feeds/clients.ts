// Which calendar client fetched a feed, from its User-Agent (reference/interop.md §3), and how
// often each is known to poll, so the person's page can say what to expect.

export const FEED_CLIENTS = ['google', 'apple', 'outlook', 'thunderbird', 'other'] as const;
export type FeedClient = (typeof FEED_CLIENTS)[number];

export function feedClientFromUserAgent(userAgent: string | undefined): FeedClient {
  const ua = userAgent ?? '';
  if (/Google-Calendar-Importer/i.test(ua)) return 'google';
  if (/dataaccessd|CalendarAgent|iOS\/\d|macOS\/\d|Mac OS X\/\d|iCal\//i.test(ua)) return 'apple';
  if (/Thunderbird/i.test(ua)) return 'thunderbird';
  if (/Outlook|Microsoft Office|MSOffice|Exchange/i.test(ua)) return 'outlook';
  return 'other';
}

export const FEED_CLIENT_INFO: Record<FeedClient, { label: string; pollNote: string }> = {
  google: {
    label: 'Google Calendar',
    pollNote: 'Google checks subscribed calendars on its own schedule, typically every 8 to 24 hours; it cannot be made faster.',
  },
  apple: {
    label: 'Apple Calendar',
    pollNote: 'On a Mac you choose the refresh interval per subscription; an iPhone follows its Fetch New Data setting.',
  },
  outlook: {
    label: 'Outlook',
    pollNote: 'Outlook.com and Microsoft 365 refresh subscriptions about every 3 hours; classic Outlook on Send/Receive.',
  },
  thunderbird: {
    label: 'Thunderbird',
    pollNote: 'Thunderbird refreshes at the interval set for the calendar (30 minutes unless changed).',
  },
  other: {
    label: 'Another calendar app',
    pollNote: 'Each app polls on its own schedule; most check every few hours.',
  },
};
