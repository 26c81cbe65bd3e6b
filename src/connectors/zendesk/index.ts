import { type ConnectorDefinition, cursorKinds, handSetState } from '../kit/index.js';
import { crmMapping } from './crm-mapping.js';
import { manifest } from './manifest.js';
import { createZendeskSandbox } from './sandbox/index.js';
import { streams } from './streams.js';

/** The Zendesk Support connector: manifest, described streams and the local simulator. */
export const zendesk: ConnectorDefinition = {
  manifest,
  streams,
  // A hand-set cursor is a date: the export starts again from it (`start_time`).
  stateSchemas: { tickets: handSetState(cursorKinds.isoDate), users: handSetState(cursorKinds.isoDate), organizations: handSetState(cursorKinds.isoDate) },
  crm: crmMapping,
  sandbox: createZendeskSandbox,
};

export { manifest, streams, createZendeskSandbox };
