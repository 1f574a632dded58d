// Pure link builders: add-to-calendar URLs for one event and subscribe URLs for a feed.
export * from './add-to-calendar.ts';
export * from './subscribe.ts';
export { MAX_URL_LENGTH } from './url.ts';
