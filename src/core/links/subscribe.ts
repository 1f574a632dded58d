// Subscribe-by-URL links for a feed, ordered for the visitor's device (interop.md §4.4,
// landscape.md pain point 9). Each client has one form that works and others that fail:
// - Apple Calendar subscribes from `webcal://`; an https link to an .ics usually imports a
//   static copy instead;
// - Google's `cid=` link is flaky (a raw https cid was rejected, the webcal form worked) and
//   Google's Android app answers it with "Calendar no longer exists", so a copy-the-URL option
//   with the "From URL" settings page is always offered, and comes first on Android;
// - Outlook.com and Microsoft 365 take the https URL in `addfromweb`.
// Personal feeds carry a secret token in their URL (pain point 13). Handing it to the provider
// is the point of subscribing; these links go only to the provider the visitor picked.

import { encodeValue, withQuery } from './url.ts';

export type Device = 'ios' | 'android' | 'mac' | 'windows' | 'other';

export type SubscribeTarget = 'webcal' | 'google' | 'outlook' | 'office365' | 'copy';

export interface SubscribeOption {
  target: SubscribeTarget;
  label: string;
  url: string;
  instructions?: string;
  /** Where the copied URL goes (the 'copy' option: Google Calendar's "From URL" page). */
  settingsUrl?: string;
}

export interface FeedLinks {
  httpsUrl: string;
  webcalUrl: string;
  /** Every target, most likely to work on the device first. */
  options: SubscribeOption[];
}

export const GOOGLE_ADD_BY_URL = 'https://calendar.google.com/calendar/u/0/r/settings/addbyurl';

// Order per device. Every device gets every option: the detection is a guess, and someone on a
// Mac may well use Outlook.com.
const ORDER: Record<Device, readonly SubscribeTarget[]> = {
  ios: ['webcal', 'google', 'copy', 'outlook', 'office365'],
  mac: ['webcal', 'google', 'copy', 'outlook', 'office365'],
  // Google's Android app fails on cid links; the browser page or a pasted URL works. webcal has
  // no handler on a stock Android, so it goes last.
  android: ['copy', 'google', 'outlook', 'office365', 'webcal'],
  // webcal opens classic Outlook (or another desktop client) on Windows.
  windows: ['outlook', 'office365', 'webcal', 'google', 'copy'],
  other: ['google', 'copy', 'webcal', 'outlook', 'office365'],
};

/** Subscribe options for the feed at `feedHttpsUrl` (http or https), ordered for `device`. */
export function subscribeLinks(feedHttpsUrl: string, feedName: string, device: Device): FeedLinks {
  if (!/^https?:\/\//i.test(feedHttpsUrl)) {
    throw new TypeError(`feed URL must be http(s): ${feedHttpsUrl}`);
  }
  const httpsUrl = feedHttpsUrl;
  // webcal means "the same URL, fetched over HTTP(S), handed to the calendar app".
  const webcalUrl = feedHttpsUrl.replace(/^https?:/i, 'webcal:');
  const options: Record<SubscribeTarget, SubscribeOption> = {
    webcal: {
      target: 'webcal',
      label: webcalLabel(device),
      url: webcalUrl,
    },
    google: {
      target: 'google',
      label: 'Google Calendar',
      // The webcal form, encoded: the one Google accepted where a raw https cid was rejected.
      url: `https://calendar.google.com/calendar/r?cid=${encodeValue(webcalUrl)}`,
      instructions: 'If Google Calendar cannot add the calendar, use "Copy the feed URL" instead.',
    },
    copy: {
      target: 'copy',
      label: 'Copy the feed URL',
      url: httpsUrl,
      instructions: `Copy this URL, then paste it into Google Calendar's "From URL" settings page (${GOOGLE_ADD_BY_URL}) and click "Add calendar".`,
      settingsUrl: GOOGLE_ADD_BY_URL,
    },
    outlook: {
      target: 'outlook',
      label: 'Outlook.com',
      url: withQuery('https://outlook.live.com/calendar/0/addfromweb', [
        ['url', httpsUrl],
        ['name', feedName],
      ]),
    },
    office365: {
      target: 'office365',
      label: 'Office 365',
      url: withQuery('https://outlook.office.com/calendar/0/addfromweb', [
        ['url', httpsUrl],
        ['name', feedName],
      ]),
    },
  };
  return { httpsUrl, webcalUrl, options: ORDER[device].map((target) => options[target]) };
}

function webcalLabel(device: Device): string {
  if (device === 'windows') return 'Outlook for Windows or another desktop calendar app';
  if (device === 'android') return 'Calendar app that supports webcal links';
  return 'Apple Calendar (iPhone, iPad, Mac)';
}

/**
 * A best guess from the User-Agent header; only used to order options, never to hide any.
 * iPadOS Safari asks for desktop sites with a Mac UA; those that also say "Mobile/" (in-app
 * browsers) count as iOS, the rest as mac, which gets the same order anyway.
 */
export function deviceFromUserAgent(userAgent: string | undefined): Device {
  const ua = userAgent ?? '';
  // Before mac: iPhone UAs say "like Mac OS X". `iOS/17.4 … dataaccessd` is the calendar daemon.
  if (/iPhone|iPad|iPod|^iOS\//i.test(ua)) return 'ios';
  if (/Macintosh/i.test(ua) && /\bMobile\//.test(ua)) return 'ios';
  if (/Android/i.test(ua)) return 'android';
  if (/Macintosh|Mac OS X|^macOS\//i.test(ua)) return 'mac';
  if (/Windows/i.test(ua)) return 'windows';
  return 'other';
}
