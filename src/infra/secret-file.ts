import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Reads a secret kept in the data folder, creating it (owner-only permissions) on first use,
 * so that an embedded install keeps the same secret across restarts without configuration.
 */
export function readOrCreateSecret(dataDir: string, name: string, bytes = 24): { value: string; created: boolean } {
  const file = path.join(dataDir, name);
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value.length > 0) return { value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const value = randomBytes(bytes).toString('base64url');
  // 'wx' fails if another process created it meanwhile; then its value wins.
  try {
    fs.writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateSecret(dataDir, name, bytes);
    throw error;
  }
  return { value, created: true };
}
