import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/infra/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { buildApp } from '../../src/http/app.ts';
import type { TestDatabase, TestEngine } from './databases.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';
export const TEST_VAULT_KEYS = `ktest:${Buffer.alloc(32, 7).toString('base64')}`;

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  database: TestDatabase;
  config: Config;
  /** Moves the app's clock (feeds window on it). */
  clock: { now: number };
  auth: { authorization: string };
  close(): Promise<void>;
}

/** The whole app on a fresh database of `engine`, with a controllable clock. */
export async function startTestApp(engine: TestEngine, env: Record<string, string> = {}, options: { databaseUrl?: string } = {}): Promise<TestApp> {
  const database = await engine.open({ url: options.databaseUrl });
  const config = loadConfig({ PUBLIC_URL: 'https://cal.example.test', DATABASE_URL: 'file::memory:', TOKEN_ENCRYPTION_KEYS: TEST_VAULT_KEYS, ...env });
  const clock = { now: Date.now() };
  const services = createServices(config, database, () => clock.now);
  const app = await buildApp({ services, adminToken: ADMIN_TOKEN, sessionSecret: SESSION_SECRET, logger: false });
  await app.ready();
  return {
    app,
    services,
    database,
    config,
    clock,
    auth: { authorization: `Bearer ${ADMIN_TOKEN}` },
    async close() {
      await app.close();
      await database.dispose();
    },
  };
}

/** A free TCP port on 127.0.0.1 (there is a small race until it is bound again). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The whole app listening on a real port, with PUBLIC_URL pointing at it (browser tests). */
export async function startTestServer(engine: TestEngine, env: Record<string, string> = {}): Promise<TestApp & { baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = await startTestApp(engine, { PUBLIC_URL: baseUrl, ...env });
  await t.app.listen({ port, host: '127.0.0.1' });
  return { ...t, baseUrl };
}
