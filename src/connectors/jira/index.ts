import { type ConnectorDefinition, cursorKinds, handSetState } from '../kit/index.js';
import { afterAuthorization } from './after-authorization.js';
import { crmMapping } from './crm-mapping.js';
import { manifest } from './manifest.js';
import { createJiraSandbox } from './sandbox/index.js';
import { streams } from './streams.js';

/** The Jira Cloud connector: manifest, stream readers, the OAuth site lookup and the local simulator. */
export const jira: ConnectorDefinition = {
  manifest,
  streams,
  stateSchemas: { issues: handSetState(cursorKinds.isoDate) },
  crm: crmMapping,
  sandbox: createJiraSandbox,
  afterAuthorization,
};

export { manifest, streams, createJiraSandbox, afterAuthorization };
export {
  JIRA_SANDBOX_CLIENT_ID,
  JIRA_SANDBOX_CLIENT_SECRET,
  DEFAULT_JIRA_SANDBOX_EMAIL,
  DEFAULT_JIRA_SANDBOX_TOKEN,
  type JiraSandboxHandle,
  type JiraSandboxInfo,
  type JiraSandboxOptions,
} from './sandbox/index.js';
