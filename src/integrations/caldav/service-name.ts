import { CALDAV_PRESETS } from './presets.ts';

// What a person calls a CalDAV account: the service it is (Fastmail, iCloud, Nextcloud), known
// by its preset's host or by Nextcloud's path, else "CalDAV" and the server's host name.

const NEXTCLOUD_PATH = /\/remote\.php\/dav/;

export function caldavServiceName(serverUrl: string | null): string {
  let url: URL;
  try {
    url = new URL(serverUrl ?? '');
  } catch {
    return 'CalDAV';
  }
  const host = url.hostname.toLowerCase();
  for (const preset of CALDAV_PRESETS) {
    const presetHost = new URL(preset.serverUrl.replace('YOUR-NEXTCLOUD', 'placeholder.invalid')).hostname;
    const domain = presetHost.split('.').slice(-2).join('.');
    if (preset.id !== 'nextcloud' && (host === domain || host.endsWith(`.${domain}`))) return preset.name;
  }
  if (NEXTCLOUD_PATH.test(url.pathname)) return 'Nextcloud';
  return `CalDAV (${host})`;
}
