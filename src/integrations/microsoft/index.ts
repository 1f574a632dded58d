export { createMicrosoftProvider, type MicrosoftProviderOptions } from './client.ts';
export { graphTransactionId, toGraphEvent } from './mapper.ts';
export { graphError } from './errors.ts';
