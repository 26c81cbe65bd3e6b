import { type ConnectorDefinition, cursorKinds, handSetState } from '../kit/index.js';
import { crmMapping } from './crm-mapping.js';
import { manifest } from './manifest.js';
import { createGoogleCalendarSandbox } from './sandbox/index.js';
import { streams } from './streams.js';

/** The Google Calendar connector: manifest, stream readers and the local simulator. */
export const googleCalendar: ConnectorDefinition = {
  manifest,
  streams,
  stateSchemas: { events: handSetState(cursorKinds.isoDate) },
  crm: crmMapping,
  sandbox: createGoogleCalendarSandbox,
};

export { manifest, streams, createGoogleCalendarSandbox };
export {
  DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_ID,
  DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_SECRET,
  DEFAULT_GOOGLE_CALENDAR_SANDBOX_TOKEN,
  type CalendarSandboxInfo,
  type GoogleCalendarSandboxHandle,
  type GoogleCalendarSandboxOptions,
} from './sandbox/index.js';
