import { hashToken } from '../../core/api-key-hash.js';
import { newSecretToken } from '../../core/ids.js';

export interface MintedApiKey {
  /** In clear: shown once, never stored. */
  apiKey: string;
  /** The key's public head (`trb_` and 4 random characters), so a list can tell keys apart. */
  prefix: string;
  /** What is stored and looked up. */
  hash: string;
}

/** A new API key and what is stored of it: every way of issuing a key (API, bootstrap, `keys owner`) mints it here. */
export function mintApiKey(): MintedApiKey {
  const apiKey = newSecretToken('trb');
  return { apiKey, prefix: apiKey.slice(0, 8), hash: hashToken(apiKey) };
}
