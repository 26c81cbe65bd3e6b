import { type ConnectorDefinition, cursorKinds, handSetState } from '../kit/index.js';
import { afterAuthorization } from './after-authorization.js';
import { crmMapping } from './crm-mapping.js';
import { manifest } from './manifest.js';
import { createQuickBooksSandbox } from './sandbox/index.js';
import { streams } from './streams.js';

/** The QuickBooks Online connector: manifest, stream readers, the realm from the OAuth redirect, and the simulator. */
export const quickbooks: ConnectorDefinition = {
  manifest,
  streams,
  stateSchemas: { invoices: handSetState(cursorKinds.isoDate), customers: handSetState(cursorKinds.isoDate) },
  crm: crmMapping,
  sandbox: createQuickBooksSandbox,
  afterAuthorization,
};

export { manifest, streams, createQuickBooksSandbox, afterAuthorization };
export {
  DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_ID,
  DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_SECRET,
  DEFAULT_QUICKBOOKS_SANDBOX_TOKEN,
  type QuickBooksSandboxHandle,
  type QuickBooksSandboxInfo,
  type QuickBooksSandboxOptions,
} from './sandbox/index.js';
