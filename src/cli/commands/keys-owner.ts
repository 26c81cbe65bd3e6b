import type { Command } from 'commander';
import { readConfig } from '../config.js';

/**
 * `tributary keys owner`: a new owner API key when the old one is lost. It talks to the database, not to a server:
 * whoever can open the data folder or DATABASE_URL already holds everything, so that access is the proof of
 * ownership no API key could give. In embedded mode the server must be stopped (the folder serves one process).
 */
export function registerOwnerKeyCommand(keys: Command): void {
  keys
    .command('owner')
    .description('Issue a new owner API key from the database itself (for a lost key); prints it once')
    .option('--workspace <id>', "a workspace other than the installation's first")
    .option('--revoke-others', 'revoke every other owner key of the workspace', false)
    .action(async (flags: { workspace?: string; revokeOthers: boolean }) => {
      const [{ openCommandDatabase }, { issueOwnerKey }] = await Promise.all([import('../data-folder.js'), import('../../services/keys/owner-key.js')]);
      // Under the data folder's lock: with the server running, this refuses and names it.
      const { database, close } = await openCommandDatabase(readConfig(), 'keys owner', { migrate: true });
      try {
        const issued = await issueOwnerKey({ db: database.db }, { workspaceId: flags.workspace, revokeOthers: flags.revokeOthers });
        process.stdout.write(`New owner API key for workspace ${issued.workspaceId} (shown once, store it now):\n  ${issued.apiKey}\n`);
        if (issued.revoked > 0) process.stdout.write(`Revoked ${issued.revoked} other owner key(s).\n`);
      } finally {
        await close();
      }
    });
}
