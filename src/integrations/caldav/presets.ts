// Where the well-known CalDAV services live and how a person gets an app password for them.

export const CALDAV_PRESETS = [
  {
    id: 'icloud',
    name: 'iCloud',
    serverUrl: 'https://caldav.icloud.com/',
    passwordHelpUrl: 'https://account.apple.com/account/manage',
    instructions:
      'Sign in at account.apple.com, open "Sign-In and Security", choose "App-Specific Passwords" and create one for Calendar Club. Use your Apple ID email as the username. Your account needs two-factor authentication.',
  },
  {
    id: 'fastmail',
    name: 'Fastmail',
    serverUrl: 'https://caldav.fastmail.com/dav/',
    passwordHelpUrl: 'https://app.fastmail.com/settings/security/apps',
    instructions:
      'In Fastmail, open Settings → Privacy & Security → Connected apps & API tokens, create an app password with CalDAV access, and use your Fastmail address as the username.',
  },
  {
    id: 'nextcloud',
    name: 'Nextcloud',
    serverUrl: 'https://YOUR-NEXTCLOUD/remote.php/dav',
    passwordHelpUrl: null,
    instructions:
      'In Nextcloud, open Personal settings → Security, create an app password under "Devices & sessions", and use your Nextcloud username. Replace YOUR-NEXTCLOUD with your server address.',
  },
] as const;
