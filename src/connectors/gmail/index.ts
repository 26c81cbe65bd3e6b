import { type ConnectorDefinition, cursorKinds, handSetState } from '../kit/index.js';
import { crmMapping } from './crm-mapping.js';
import { manifest } from './manifest.js';
import { createGmailSandbox } from './sandbox/index.js';
import { streams } from './streams.js';

/** The Gmail connector: manifest, stream readers and the local simulator. */
export const gmail: ConnectorDefinition = {
  manifest,
  streams,
  stateSchemas: { messages: handSetState(cursorKinds.historyIdOrIsoDate) },
  crm: crmMapping,
  sandbox: createGmailSandbox,
};

export { manifest, streams, createGmailSandbox };
export {
  DEFAULT_GMAIL_SANDBOX_CLIENT_ID,
  DEFAULT_GMAIL_SANDBOX_CLIENT_SECRET,
  DEFAULT_GMAIL_SANDBOX_TOKEN,
  type GmailSandboxHandle,
  type GmailSandboxInfo,
  type GmailSandboxOptions,
} from './sandbox/index.js';
