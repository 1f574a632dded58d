// `npm run keys -- <command>`: manage the keys that seal connection secrets.
//   new      print a fresh key line (id:base64) for TOKEN_ENCRYPTION_KEYS
//   rotate   embedded default: add a new key to the data folder's key file and re-seal every
//            secret under it (running servers read the file before sealing, so they seal
//            under the new key at once)
//   reseal   re-seal every secret under the first configured key (after you put a new key
//            first in TOKEN_ENCRYPTION_KEYS on every node)
import { loadConfig } from './infra/config.ts';
import { openDatabase } from './infra/db/database.ts';
import { migrateToLatest } from './infra/db/migrate.ts';
import { createConnectionRepository } from './infra/db/connection-repository.ts';
import { createTokenVault, formatVaultKey, newVaultKey } from './infra/crypto/token-vault.ts';
import { keyFilePath, loadVaultKeys, newKeyId, prependKeyToFile, resealUntilNoneLeft } from './infra/crypto/vault-keys.ts';

const command = process.argv[2];
const config = loadConfig();

if (command === 'new') {
  process.stdout.write(formatVaultKey(newVaultKey(newKeyId())) + '\n');
} else if (command === 'rotate' || command === 'reseal') {
  if (command === 'rotate') {
    if (config.tokenEncryptionKeys) {
      process.stderr.write(
        'TOKEN_ENCRYPTION_KEYS is set, so keys live in your configuration: run `npm run keys -- new`, put the new key first in TOKEN_ENCRYPTION_KEYS on every node (keep the old ones after it), restart, then run `npm run keys -- reseal`.\n',
      );
      process.exit(2);
    }
    const key = prependKeyToFile(config);
    process.stdout.write(`added key ${key.id} to ${keyFilePath(config)}\n`);
  }
  const database = openDatabase({ url: config.databaseUrl, schema: config.databaseSchema ?? undefined });
  try {
    await migrateToLatest(database);
    const vault = createTokenVault(loadVaultKeys(config));
    const count = await resealUntilNoneLeft(createConnectionRepository(database.db, vault));
    process.stdout.write(`re-sealed ${count} connection secret(s) under key ${vault.currentKeyId}\n`);
    process.stdout.write(`no connection secret is left under an older key: older keys may now be removed${command === 'rotate' ? ` from ${keyFilePath(config)}` : ''}\n`);
  } finally {
    await database.close();
  }
} else {
  process.stderr.write('usage: npm run keys -- new | rotate | reseal\n');
  process.exit(2);
}
