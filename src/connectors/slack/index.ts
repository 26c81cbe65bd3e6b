import { type ConnectorDefinition, cursorKinds, handSetState } from '../kit/index.js';
import { crmMapping } from './crm-mapping.js';
import { manifest } from './manifest.js';
import { createSlackSandbox } from './sandbox/index.js';
import { streams } from './streams.js';

/** The Slack connector: manifest, stream readers and the local simulator. */
export const slack: ConnectorDefinition = {
  manifest,
  streams,
  stateSchemas: { messages: handSetState(cursorKinds.slackTsOrIsoDate), threads: handSetState(cursorKinds.slackTsOrIsoDate) },
  crm: crmMapping,
  sandbox: createSlackSandbox,
};

export { manifest, streams, createSlackSandbox };
export {
  DEFAULT_SLACK_SANDBOX_TOKEN,
  SLACK_SANDBOX_CLIENT_ID,
  SLACK_SANDBOX_CLIENT_SECRET,
  type SlackSandboxHandle,
  type SlackSandboxInfo,
  type SlackSandboxOptions,
} from './sandbox/index.js';
