import type { StreamReader } from '../kit/index.js';
import { readContracts } from './contracts-stream.js';
import { readPeople } from './people-stream.js';

/** One reader per stream of the manifest. */
export const streams: Record<'people' | 'contracts', StreamReader> = {
  people: readPeople,
  contracts: readContracts,
};

export { readContracts, readPeople };
