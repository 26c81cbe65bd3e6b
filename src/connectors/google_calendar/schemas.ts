/**
 * JSON Schemas of the records, after the Calendar API v3 resources `CalendarListEntry` and `Event`
 * (https://developers.google.com/calendar/api/v3/reference). The fields worth a typed column are listed;
 * `additionalProperties` stays open because Google adds fields over time (working location, birthdays…).
 * Google omits a field rather than sending null, so nothing here is nullable.
 */
import { schema, type JsonSchema as Schema } from '../kit/index.js';

const { string, integer, boolean, dateTime, date, object, arrayOf, oneOf } = schema;

const reminder = object({ method: oneOf(['email', 'popup']), minutes: integer });

export const calendarSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Google Calendar calendar list entry',
  ...object(
    {
      kind: { type: 'string', const: 'calendar#calendarListEntry' },
      etag: string,
      id: string,
      summary: string,
      description: string,
      location: string,
      timeZone: string,
      summaryOverride: string,
      colorId: string,
      backgroundColor: string,
      foregroundColor: string,
      hidden: boolean,
      selected: boolean,
      accessRole: oneOf(['freeBusyReader', 'reader', 'writer', 'owner']),
      defaultReminders: arrayOf(reminder),
      notificationSettings: object({ notifications: arrayOf(object({ type: string, method: string })) }),
      primary: boolean,
      deleted: boolean,
      conferenceProperties: object({ allowedConferenceSolutionTypes: arrayOf(string) }),
    },
    ['id', 'accessRole'],
  ),
};

/** `start` / `end`: a `date` for all-day events, else a `dateTime` with an offset (and maybe a zone name). */
const eventTime = object({ date, dateTime, timeZone: string });
const person = object({ id: string, email: string, displayName: string, self: boolean });
const attendee = object({
  id: string,
  email: string,
  displayName: string,
  organizer: boolean,
  self: boolean,
  resource: boolean,
  optional: boolean,
  responseStatus: oneOf(['needsAction', 'declined', 'tentative', 'accepted']),
  comment: string,
  additionalGuests: integer,
});

export const eventSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Google Calendar event',
  ...object(
    {
      calendar_id: { type: 'string', description: 'Id of the calendar this copy of the event is on (added by Tributary)' },
      kind: { type: 'string', const: 'calendar#event' },
      etag: string,
      id: string,
      // `cancelled` is kept only for cancelled instances of a recurring series; deleted events become deletions.
      status: oneOf(['confirmed', 'tentative', 'cancelled']),
      htmlLink: string,
      created: dateTime,
      updated: dateTime,
      summary: string,
      description: string,
      location: string,
      colorId: string,
      creator: person,
      organizer: person,
      start: eventTime,
      end: eventTime,
      endTimeUnspecified: boolean,
      recurrence: arrayOf(string),
      recurringEventId: string,
      originalStartTime: eventTime,
      transparency: oneOf(['opaque', 'transparent']),
      visibility: oneOf(['default', 'public', 'private', 'confidential']),
      iCalUID: string,
      sequence: integer,
      attendees: arrayOf(attendee),
      attendeesOmitted: boolean,
      hangoutLink: string,
      conferenceData: object({}),
      guestsCanInviteOthers: boolean,
      guestsCanModify: boolean,
      guestsCanSeeOtherGuests: boolean,
      privateCopy: boolean,
      locked: boolean,
      reminders: object({ useDefault: boolean, overrides: arrayOf(reminder) }),
      attachments: arrayOf(object({ fileUrl: string, title: string, mimeType: string, iconLink: string, fileId: string })),
      eventType: { type: 'string', description: 'default, outOfOffice, focusTime, workingLocation, fromGmail, birthday…' },
    },
    ['calendar_id', 'id'],
  ),
};
