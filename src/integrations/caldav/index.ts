export { createCalDavProvider, resourceName, type CalDavDiscovery, type CalDavOptions } from './client.ts';
export { CALDAV_PRESETS } from './presets.ts';
export { caldavServiceName } from './service-name.ts';
export { caldavError } from './errors.ts';
