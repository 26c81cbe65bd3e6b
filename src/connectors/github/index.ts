import { type ConnectorDefinition, cursorKinds, handSetState } from '../kit/index.js';
import { crmMapping } from './crm-mapping.js';
import { manifest } from './manifest.js';
import { createGithubSandbox } from './sandbox/index.js';
import { streams } from './streams.js';

/** The GitHub connector: manifest, stream readers and the local simulator. */
export const github: ConnectorDefinition = {
  manifest,
  streams,
  stateSchemas: { issues: handSetState(cursorKinds.isoDate), pull_requests: handSetState(cursorKinds.isoDate) },
  crm: crmMapping,
  sandbox: createGithubSandbox,
};

export { manifest, streams, createGithubSandbox };
export { DEFAULT_GITHUB_SANDBOX_TOKEN, type GithubSandboxHandle, type GithubSandboxInfo, type GithubSandboxOptions } from './sandbox/index.js';
