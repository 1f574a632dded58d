// `npm run sandbox`: the app wired to local emulators of Google and Microsoft, so "Connect
// Google" can be clicked through end to end on one machine. Nothing reaches the real services.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startGoogleEmulator } from '../test/emulators/google.ts';
import { startMicrosoftEmulator } from '../test/emulators/microsoft.ts';
import { SANDBOX_BUSY_PATH } from '../test/emulators/sandbox-busy-page.ts';

const root = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.PORT ?? 3000);
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`;
const client = (kind: string) => [{ clientId: `sandbox-${kind}`, clientSecret: `sandbox-${kind}-secret`, redirectUris: [`${publicUrl}/connect/${kind}/callback`] }];

const google = await startGoogleEmulator({ port: Number(process.env.GOOGLE_EMULATOR_PORT ?? 4101), clients: client('google'), autoConsent: false });
const microsoft = await startMicrosoftEmulator({ port: Number(process.env.MICROSOFT_EMULATOR_PORT ?? 4102), clients: client('microsoft'), autoConsent: false });

const app = spawn(process.execPath, ['src/main.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    DATABASE_URL: process.env.DATABASE_URL ?? 'file:./data/sandbox.sqlite',
    SANDBOX: 'true',
    ALLOW_PRIVATE_NETWORK: 'true',
    GOOGLE_CLIENT_ID: 'sandbox-google',
    GOOGLE_CLIENT_SECRET: 'sandbox-google-secret',
    GOOGLE_ACCOUNTS_URL: google.url,
    GOOGLE_OAUTH2_URL: google.url,
    GOOGLE_API_URL: google.url,
    MICROSOFT_CLIENT_ID: 'sandbox-microsoft',
    MICROSOFT_CLIENT_SECRET: 'sandbox-microsoft-secret',
    MICROSOFT_LOGIN_URL: microsoft.url,
    MICROSOFT_GRAPH_URL: microsoft.url,
    SANDBOX_BUSY_URL: `${google.url}${SANDBOX_BUSY_PATH}`,
  },
});
process.stdout.write(
  `\nLocal sandbox: Google emulator at ${google.url}, Microsoft emulator at ${microsoft.url}.\n` +
    `Open ${publicUrl}/me and press "Connect Google" or "Connect Microsoft"; the consent page is the emulator's.\n` +
    `Add a busy meeting to the emulated Google calendar at ${google.url}${SANDBOX_BUSY_PATH} to see a clash.\n` +
    `Emails (verification, invites) are written to files and shown at ${publicUrl}/sandbox/mail.\n\n`,
);
const stop = async () => {
  app.kill('SIGTERM');
  await Promise.all([google.close(), microsoft.close()]);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
app.once('exit', (code) => void Promise.all([google.close(), microsoft.close()]).then(() => process.exit(code ?? 0)));
