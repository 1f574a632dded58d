// A separate process that asks for a connection's access token (the two-process refresh test).
// Usage: node refresh-process.ts <connection id>; configuration from the environment.
import { loadConfig } from '../../../src/infra/config.ts';
import { openDatabase } from '../../../src/infra/db/database.ts';
import { createServices } from '../../../src/services.ts';

const config = loadConfig();
const database = openDatabase({ url: config.databaseUrl, schema: process.env.TEST_SCHEMA || undefined });
const services = createServices(config, database);
try {
  process.stdout.write((await services.tokens.accessToken(process.argv[2]!)) + '\n');
} finally {
  await database.close();
}
