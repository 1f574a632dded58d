// The time zone names Graph documents for dateTimeTimeZone, which the emulator's create and
// update accept (anything else: 400 TimeZoneNotSupportedException, as real Graph answers for
// Europe/Madrid). Source: https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone
// "The timeZone property can be set to any of the time zones currently supported by Windows"
// (the page points at Get-TimeZone -ListAvailable) "and the additional time zones" it lists.

/** Windows zone ids (as of CLDR 48's windowsZones.xml, which tracks Windows' own list). */
export const GRAPH_WINDOWS_ZONES: readonly string[] = [
  'Afghanistan Standard Time', 'Alaskan Standard Time', 'Aleutian Standard Time', 'Altai Standard Time',
  'Arab Standard Time', 'Arabian Standard Time', 'Arabic Standard Time', 'Argentina Standard Time',
  'Astrakhan Standard Time', 'Atlantic Standard Time', 'AUS Central Standard Time',
  'Aus Central W. Standard Time', 'AUS Eastern Standard Time', 'Azerbaijan Standard Time',
  'Azores Standard Time', 'Bahia Standard Time', 'Bangladesh Standard Time', 'Belarus Standard Time',
  'Bougainville Standard Time', 'Canada Central Standard Time', 'Cape Verde Standard Time',
  'Caucasus Standard Time', 'Cen. Australia Standard Time', 'Central America Standard Time',
  'Central Asia Standard Time', 'Central Brazilian Standard Time', 'Central Europe Standard Time',
  'Central European Standard Time', 'Central Pacific Standard Time', 'Central Standard Time',
  'Central Standard Time (Mexico)', 'Chatham Islands Standard Time', 'China Standard Time',
  'Cuba Standard Time', 'Dateline Standard Time', 'E. Africa Standard Time', 'E. Australia Standard Time',
  'E. Europe Standard Time', 'E. South America Standard Time', 'Easter Island Standard Time',
  'Eastern Standard Time', 'Eastern Standard Time (Mexico)', 'Egypt Standard Time',
  'Ekaterinburg Standard Time', 'Fiji Standard Time', 'FLE Standard Time', 'Georgian Standard Time',
  'GMT Standard Time', 'Greenland Standard Time', 'Greenwich Standard Time', 'GTB Standard Time',
  'Haiti Standard Time', 'Hawaiian Standard Time', 'India Standard Time', 'Iran Standard Time',
  'Israel Standard Time', 'Jordan Standard Time', 'Kaliningrad Standard Time', 'Korea Standard Time',
  'Libya Standard Time', 'Line Islands Standard Time', 'Lord Howe Standard Time', 'Magadan Standard Time',
  'Magallanes Standard Time', 'Marquesas Standard Time', 'Mauritius Standard Time',
  'Middle East Standard Time', 'Montevideo Standard Time', 'Morocco Standard Time',
  'Mountain Standard Time', 'Mountain Standard Time (Mexico)', 'Myanmar Standard Time',
  'N. Central Asia Standard Time', 'Namibia Standard Time', 'Nepal Standard Time',
  'New Zealand Standard Time', 'Newfoundland Standard Time', 'Norfolk Standard Time',
  'North Asia East Standard Time', 'North Asia Standard Time', 'North Korea Standard Time',
  'Omsk Standard Time', 'Pacific SA Standard Time', 'Pacific Standard Time',
  'Pacific Standard Time (Mexico)', 'Pakistan Standard Time', 'Paraguay Standard Time',
  'Qyzylorda Standard Time', 'Romance Standard Time', 'Russia Time Zone 10', 'Russia Time Zone 11',
  'Russia Time Zone 3', 'Russian Standard Time', 'SA Eastern Standard Time', 'SA Pacific Standard Time',
  'SA Western Standard Time', 'Saint Pierre Standard Time', 'Sakhalin Standard Time', 'Samoa Standard Time',
  'Sao Tome Standard Time', 'Saratov Standard Time', 'SE Asia Standard Time', 'Singapore Standard Time',
  'South Africa Standard Time', 'South Sudan Standard Time', 'Sri Lanka Standard Time',
  'Sudan Standard Time', 'Syria Standard Time', 'Taipei Standard Time', 'Tasmania Standard Time',
  'Tocantins Standard Time', 'Tokyo Standard Time', 'Tomsk Standard Time', 'Tonga Standard Time',
  'Transbaikal Standard Time', 'Turkey Standard Time', 'Turks And Caicos Standard Time',
  'Ulaanbaatar Standard Time', 'US Eastern Standard Time', 'US Mountain Standard Time', 'UTC', 'UTC-02',
  'UTC-08', 'UTC-09', 'UTC-11', 'UTC+12', 'UTC+13', 'Venezuela Standard Time', 'Vladivostok Standard Time',
  'Volgograd Standard Time', 'W. Australia Standard Time', 'W. Central Africa Standard Time',
  'W. Europe Standard Time', 'W. Mongolia Standard Time', 'West Asia Standard Time',
  'West Bank Standard Time', 'West Pacific Standard Time', 'Yakutsk Standard Time', 'Yukon Standard Time',
];

/**
 * The page's "Additional time zones", in its order. Where it gives a second name in
 * parentheses ("Europe/Kyiv (Kiev)", "Asia/Toshkent (Tashkent)", "Asia/Astana (Almaty)",
 * "Asia/Yangon (Rangoon)") both are listed.
 */
export const GRAPH_ADDITIONAL_ZONES: readonly string[] = [
  'Etc/GMT+12', 'Etc/GMT+11', 'Pacific/Honolulu', 'America/Anchorage', 'America/Santa_Isabel',
  'America/Los_Angeles', 'America/Phoenix', 'America/Chihuahua', 'America/Denver', 'America/Guatemala',
  'America/Chicago', 'America/Mexico_City', 'America/Regina', 'America/Bogota', 'America/New_York',
  'America/Indiana/Indianapolis', 'America/Caracas', 'America/Asuncion', 'America/Halifax',
  'America/Cuiaba', 'America/La_Paz', 'America/Santiago', 'America/St_Johns', 'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires', 'America/Cayenne', 'America/Godthab', 'America/Montevideo',
  'America/Bahia', 'Etc/GMT+2', 'Atlantic/Azores', 'Atlantic/Cape_Verde', 'Africa/Casablanca', 'Etc/GMT',
  'Europe/London', 'Atlantic/Reykjavik', 'Europe/Berlin', 'Europe/Budapest', 'Europe/Paris',
  'Europe/Warsaw', 'Africa/Lagos', 'Africa/Windhoek', 'Europe/Bucharest', 'Asia/Beirut', 'Africa/Cairo',
  'Asia/Damascus', 'Africa/Johannesburg', 'Europe/Kyiv', 'Europe/Kiev', 'Europe/Istanbul', 'Asia/Jerusalem',
  'Asia/Amman', 'Asia/Baghdad', 'Europe/Kaliningrad', 'Asia/Riyadh', 'Africa/Nairobi', 'Asia/Tehran',
  'Asia/Dubai', 'Asia/Baku', 'Europe/Moscow', 'Indian/Mauritius', 'Asia/Tbilisi', 'Asia/Yerevan',
  'Asia/Kabul', 'Asia/Karachi', 'Asia/Toshkent', 'Asia/Tashkent', 'Asia/Kolkata', 'Asia/Colombo',
  'Asia/Kathmandu', 'Asia/Astana', 'Asia/Almaty', 'Asia/Dhaka', 'Asia/Yekaterinburg', 'Asia/Yangon',
  'Asia/Rangoon', 'Asia/Bangkok', 'Asia/Novosibirsk', 'Asia/Shanghai', 'Asia/Krasnoyarsk', 'Asia/Singapore',
  'Australia/Perth', 'Asia/Taipei', 'Asia/Ulaanbaatar', 'Asia/Irkutsk', 'Asia/Tokyo', 'Asia/Seoul',
  'Australia/Adelaide', 'Australia/Darwin', 'Australia/Brisbane', 'Australia/Sydney',
  'Pacific/Port_Moresby', 'Australia/Hobart', 'Asia/Yakutsk', 'Pacific/Guadalcanal', 'Asia/Vladivostok',
  'Pacific/Auckland', 'Etc/GMT-12', 'Pacific/Fiji', 'Asia/Magadan', 'Pacific/Tongatapu', 'Pacific/Apia',
  'Pacific/Kiritimati',
];

const accepted = new Set<string>([...GRAPH_WINDOWS_ZONES, ...GRAPH_ADDITIONAL_ZONES, 'UTC']);

/** True for a name the page documents (create and update may refuse any other). */
export function graphAcceptsTimeZone(name: string): boolean {
  return accepted.has(name);
}
