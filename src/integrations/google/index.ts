export { createGoogleProvider, type GoogleProviderOptions } from './client.ts';
export { googleEventId, toGoogleEvent } from './mapper.ts';
export { googleError } from './errors.ts';
