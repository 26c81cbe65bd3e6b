import { type ConnectorDefinition, cursorKinds, handSetState } from '../kit/index.js';
import { crmMapping } from './crm-mapping.js';
import { manifest } from './manifest.js';
import { createDeelSandbox } from './sandbox/index.js';
import { streams } from './streams.js';

/** The Deel connector: manifest, stream readers and the local simulator. */
export const deel: ConnectorDefinition = {
  manifest,
  streams,
  stateSchemas: { people: handSetState(cursorKinds.isoDate) },
  crm: crmMapping,
  sandbox: createDeelSandbox,
};

export { manifest, streams, createDeelSandbox };
export {
  DEFAULT_DEEL_SANDBOX_TOKEN,
  DEEL_SANDBOX_CLIENT_ID,
  DEEL_SANDBOX_CLIENT_SECRET,
  type DeelSandboxHandle,
  type DeelSandboxInfo,
  type DeelSandboxOptions,
} from './sandbox/index.js';
