import { createGoogleCalendarSandbox } from '../../src/connectors/google_calendar/sandbox/index.js';
import { defineFidelitySuite } from './fidelity-kit.js';

defineFidelitySuite({
  connector: 'google_calendar',
  specFile: 'google_calendar.json',
  async start() {
    // 4,500 events over the account's calendars: more than one events.list page (1,000) in the busiest.
    const sandbox = await createGoogleCalendarSandbox({ port: 0, records: 4500, seed: 11 });
    return { url: sandbox.url, apiBase: sandbox.url, token: sandbox.token, close: () => sandbox.close() };
  },
  // The sandbox simulates only updates of calendars (a subscribed or removed one would bring or take its events);
  // it refuses the calendars change with 400, and the events change does all three.
  change: { create: 3, update: 4, delete: 2 },
  wrongRequest: { path: '/calendar/v3/users/me/calendarList', query: 'maxResults=10&includeDeleted=true' },
});
