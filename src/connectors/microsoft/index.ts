import { type ConnectorDefinition, cursorKinds, handSetState } from '../kit/index.js';
import { crmMapping } from './crm-mapping.js';
import { manifest } from './manifest.js';
import { createMicrosoftSandbox } from './sandbox/index.js';
import { streams } from './streams.js';

/** The Microsoft 365 connector (Graph calendar and mail): manifest, stream readers and the local simulator. */
export const microsoft: ConnectorDefinition = {
  manifest,
  streams,
  stateSchemas: { events: handSetState(cursorKinds.deltaLinkOrIsoDate), messages: handSetState(cursorKinds.deltaLinkOrIsoDate) },
  crm: crmMapping,
  sandbox: createMicrosoftSandbox,
};

export { manifest, streams, createMicrosoftSandbox };
export {
  DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID,
  DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET,
  DEFAULT_MICROSOFT_SANDBOX_TOKEN,
  type MicrosoftSandboxHandle,
  type MicrosoftSandboxInfo,
  type MicrosoftSandboxOptions,
} from './sandbox/index.js';
