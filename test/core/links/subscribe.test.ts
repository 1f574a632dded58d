import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deviceFromUserAgent, subscribeLinks, type Device, type SubscribeOption } from '../../../src/core/links/index.ts';

const FEED = 'https://cal.example.test/feeds/all.ics';
const ADD_BY_URL = 'https://calendar.google.com/calendar/u/0/r/settings/addbyurl';
const byTarget = (options: SubscribeOption[], target: string) => options.find((o) => o.target === target)!;

describe('subscribeLinks', () => {
  it('pins every option for a public feed', () => {
    const links = subscribeLinks(FEED, 'Calendar Club', 'other');
    assert.equal(links.httpsUrl, FEED);
    assert.equal(links.webcalUrl, 'webcal://cal.example.test/feeds/all.ics');
    assert.deepEqual(links.options, [
      {
        target: 'google',
        label: 'Google Calendar',
        url: 'https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Fcal.example.test%2Ffeeds%2Fall.ics',
        instructions: 'If Google Calendar cannot add the calendar, use "Copy the feed URL" instead.',
      },
      {
        target: 'copy',
        label: 'Copy the feed URL',
        url: FEED,
        instructions: `Copy this URL, then paste it into Google Calendar's "From URL" settings page (${ADD_BY_URL}) and click "Add calendar".`,
        settingsUrl: ADD_BY_URL,
      },
      { target: 'webcal', label: 'Apple Calendar (iPhone, iPad, Mac)', url: 'webcal://cal.example.test/feeds/all.ics' },
      {
        target: 'outlook',
        label: 'Outlook.com',
        url: 'https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fcal.example.test%2Ffeeds%2Fall.ics&name=Calendar%20Club',
      },
      {
        target: 'office365',
        label: 'Office 365',
        url: 'https://outlook.office.com/calendar/0/addfromweb?url=https%3A%2F%2Fcal.example.test%2Ffeeds%2Fall.ics&name=Calendar%20Club',
      },
    ]);
  });

  it('turns http and https into webcal, keeping host, port, path and query', () => {
    assert.equal(subscribeLinks('http://localhost:3000/feeds/all.ics', 'x', 'ios').webcalUrl, 'webcal://localhost:3000/feeds/all.ics');
    assert.equal(subscribeLinks('HTTPS://cal.example.test/f.ics?v=2', 'x', 'ios').webcalUrl, 'webcal://cal.example.test/f.ics?v=2');
    assert.throws(() => subscribeLinks('ftp://cal.example.test/f.ics', 'x', 'ios'), TypeError);
    assert.throws(() => subscribeLinks('webcal://cal.example.test/f.ics', 'x', 'ios'), TypeError);
  });

  it('encodes the feed URL and a hostile feed name so both decode back', () => {
    const url = 'https://cal.example.test/feeds/categories/music.ics?token=a+b&x=1#frag';
    const name = 'Calendar Club - Music & "Live" <b> #1 + 🎸 موسيقى';
    const { options, webcalUrl } = subscribeLinks(url, name, 'windows');
    for (const target of ['outlook', 'office365']) {
      const parsed = new URL(byTarget(options, target).url);
      assert.equal(parsed.searchParams.get('url'), url, target);
      assert.equal(parsed.searchParams.get('name'), name, target);
      assert.ok(!parsed.search.includes('+') && !parsed.href.includes(' ') && parsed.hash === '', target);
    }
    const google = new URL(byTarget(options, 'google').url);
    assert.equal(google.searchParams.get('cid'), webcalUrl);
    assert.equal(google.hash, '', 'a # in the feed URL must not end the Google link');
  });

  it('keeps a personal feed token intact in every option', () => {
    const token = 'k3Yq_Zx-9vT2mN8pL4rW7sA1bC6dE0fG';
    const { options } = subscribeLinks(`https://cal.example.test/feeds/personal/${token}.ics`, 'My events', 'mac');
    for (const option of options) assert.ok(decodeURIComponent(option.url).includes(`/feeds/personal/${token}.ics`), option.target);
  });

  const ORDERS: Record<Device, string[]> = {
    ios: ['webcal', 'google', 'copy', 'outlook', 'office365'],
    mac: ['webcal', 'google', 'copy', 'outlook', 'office365'],
    android: ['copy', 'google', 'outlook', 'office365', 'webcal'],
    windows: ['outlook', 'office365', 'webcal', 'google', 'copy'],
    other: ['google', 'copy', 'webcal', 'outlook', 'office365'],
  };

  for (const [device, order] of Object.entries(ORDERS) as [Device, string[]][]) {
    it(`orders options for ${device} and still offers all of them`, () => {
      const { options } = subscribeLinks(FEED, 'Calendar Club', device);
      assert.deepEqual(options.map((o) => o.target), order);
      const copy = byTarget(options, 'copy');
      assert.equal(copy.url, FEED);
      assert.equal(copy.settingsUrl, ADD_BY_URL);
      assert.ok(copy.instructions!.includes(ADD_BY_URL));
      assert.ok(options.every((o) => o.label.length > 0));
    });
  }

  it("Android: the copy fallback comes before Google's cid link, which its app cannot open", () => {
    const targets = subscribeLinks(FEED, 'Calendar Club', 'android').options.map((o) => o.target);
    assert.equal(targets[0], 'copy');
    assert.ok(targets.indexOf('copy') < targets.indexOf('google'));
  });

  it('labels webcal for the apps that will open it', () => {
    const label = (device: Device) => byTarget(subscribeLinks(FEED, 'x', device).options, 'webcal').label;
    assert.equal(label('ios'), 'Apple Calendar (iPhone, iPad, Mac)');
    assert.equal(label('mac'), 'Apple Calendar (iPhone, iPad, Mac)');
    assert.match(label('windows'), /Outlook/);
  });
});

// Real User-Agent strings (browsers, in-app browsers and the calendar daemons themselves).
const USER_AGENTS: [Device, string | undefined][] = [
  ['ios', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'],
  ['ios', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1'],
  ['ios', 'Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1'],
  ['ios', 'Mozilla/5.0 (iPod touch; CPU iPhone OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1'],
  // iPadOS in-app browser: a Mac UA, but with "Mobile/".
  ['ios', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148'],
  ['ios', 'iOS/17.4 (21E219) dataaccessd/1.0'],
  ['android', 'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36'],
  ['android', 'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36'],
  ['android', 'Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0'],
  ['android', 'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'],
  // iPadOS Safari asking for the desktop site is indistinguishable from a Mac: same order anyway.
  ['mac', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'],
  ['mac', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'],
  ['mac', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0'],
  ['mac', 'macOS/14.4 (23E214) CalendarAgent/988'],
  ['mac', 'Mac OS X/10.15.7 (19H2) CalendarAgent/954'],
  ['windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0'],
  ['windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'],
  ['windows', 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)'],
  ['windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.0'],
  ['other', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'],
  ['other', 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'],
  ['other', 'Google-Calendar-Importer'],
  ['other', 'curl/8.5.0'],
  ['other', ''],
  ['other', undefined],
];

describe('deviceFromUserAgent', () => {
  for (const [device, ua] of USER_AGENTS) {
    it(`${device}: ${ua === undefined ? '(no header)' : JSON.stringify(ua.slice(0, 70))}`, () => {
      assert.equal(deviceFromUserAgent(ua), device);
    });
  }
});
