import { AppError } from '../contracts/errors.js';
import { writeKeyFile } from './key-file.js';
import { Keyring, type EncryptionKey } from './keyring.js';

/**
 * Where the running key ring comes from, and so what rotation may change in place:
 * - `file` (embedded mode, no TRIBUTARY_ENCRYPTION_KEYS): this process owns the key file, so it can add a new
 *   active key and drop a retired one itself, file first, then the ring in memory.
 * - `env` (TRIBUTARY_ENCRYPTION_KEYS): several processes share the ring and only the operator can change it
 *   (new key first in every process's environment, rolling restart), so nothing is changed here.
 *
 * Key operations are serialised in the process (`exclusive`): two rotations at once would otherwise both write
 * the file and race on which key ends up active.
 */
export class KeyStore {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly keyring: Keyring,
    /** The key file in embedded mode; undefined when the ring comes from the environment. */
    readonly file: string | undefined,
  ) {}

  get source(): 'file' | 'env' {
    return this.file === undefined ? 'env' : 'file';
  }

  /** Runs `task` after every key operation started before it has finished. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    // The queue only orders the operations: `run`'s failure goes to its caller (returned below), not to the next task.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A new key, written first in the key file and then made active here. The file comes first: were the process
   * to die in between, the key is safe on disk; the other way round, ciphertexts made with it could outlive it.
   */
  async addActiveKey(key: EncryptionKey = Keyring.generateKey()): Promise<EncryptionKey> {
    const file = this.requireFile('add a key');
    await writeKeyFile(file, this.keyring.withActive(key));
    this.keyring.add(key);
    return key;
  }

  /** Drops a key from the file and the ring. The caller has checked that nothing uses it. */
  async removeKey(id: string): Promise<void> {
    const file = this.requireFile('remove a key');
    await writeKeyFile(file, this.keyring.without(id));
    this.keyring.remove(id);
  }

  private requireFile(action: string): string {
    if (this.file === undefined) {
      throw new AppError('conflict', `Cannot ${action} here: the key ring comes from TRIBUTARY_ENCRYPTION_KEYS, which only the operator can change.`);
    }
    return this.file;
  }
}
