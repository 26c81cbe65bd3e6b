import { schema, type JsonSchema as Schema } from '../kit/index.js';

/**
 * JSON Schemas (draft 2020-12) of the records, after Microsoft Graph v1.0's `event` and `message` resources.
 * The properties worth a typed column are listed; `additionalProperties` stays open because Graph adds
 * properties over time. OData annotations (`@odata.etag`, `@odata.type`) are not part of a record.
 */
const { string, boolean, integer, dateTime, nullable, object, arrayOf, oneOf } = schema;

const emailAddress = object({ emailAddress: object({ name: nullable(string), address: nullable(string) }) });
const itemBody = object({ contentType: oneOf(['text', 'html']), content: string });
/** An event's local time: `dateTime` carries no offset, `timeZone` names the zone it is in. */
const dateTimeTimeZone = object({ dateTime: string, timeZone: string });
const location = object({
  displayName: nullable(string),
  locationType: nullable(string),
  uniqueId: nullable(string),
  uniqueIdType: nullable(string),
});
const responseStatus = object({ response: string, time: nullable(string) });

export const eventSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  ...object(
    {
      id: string,
      createdDateTime: dateTime,
      lastModifiedDateTime: dateTime,
      changeKey: string,
      categories: arrayOf(string),
      iCalUId: nullable(string),
      subject: nullable(string),
      bodyPreview: nullable(string),
      body: itemBody,
      importance: oneOf(['low', 'normal', 'high']),
      sensitivity: oneOf(['normal', 'personal', 'private', 'confidential']),
      isAllDay: boolean,
      isCancelled: boolean,
      isOrganizer: boolean,
      isOnlineMeeting: boolean,
      onlineMeetingProvider: nullable(string),
      showAs: string,
      type: oneOf(['singleInstance', 'occurrence', 'exception', 'seriesMaster']),
      seriesMasterId: nullable(string),
      reminderMinutesBeforeStart: integer,
      isReminderOn: boolean,
      hasAttachments: boolean,
      webLink: nullable(string),
      responseStatus,
      start: dateTimeTimeZone,
      end: dateTimeTimeZone,
      originalStartTimeZone: nullable(string),
      originalEndTimeZone: nullable(string),
      location,
      locations: arrayOf(location),
      attendees: arrayOf(object({ type: string, status: responseStatus, emailAddress: object({ name: nullable(string), address: nullable(string) }) })),
      organizer: emailAddress,
      recurrence: nullable({ type: 'object' }),
      onlineMeeting: nullable(object({ joinUrl: nullable(string) })),
    },
    ['id', 'lastModifiedDateTime', 'start', 'end'],
  ),
};

export const messageSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  ...object(
    {
      id: string,
      createdDateTime: dateTime,
      lastModifiedDateTime: dateTime,
      changeKey: string,
      categories: arrayOf(string),
      receivedDateTime: dateTime,
      sentDateTime: nullable(dateTime),
      hasAttachments: boolean,
      internetMessageId: nullable(string),
      subject: nullable(string),
      bodyPreview: nullable(string),
      body: itemBody,
      importance: oneOf(['low', 'normal', 'high']),
      parentFolderId: string,
      conversationId: nullable(string),
      conversationIndex: nullable(string),
      isDeliveryReceiptRequested: nullable(boolean),
      isReadReceiptRequested: boolean,
      isRead: boolean,
      isDraft: boolean,
      webLink: nullable(string),
      inferenceClassification: oneOf(['focused', 'other']),
      sender: nullable(emailAddress),
      from: nullable(emailAddress),
      toRecipients: arrayOf(emailAddress),
      ccRecipients: arrayOf(emailAddress),
      bccRecipients: arrayOf(emailAddress),
      replyTo: arrayOf(emailAddress),
      flag: object({ flagStatus: oneOf(['notFlagged', 'complete', 'flagged']) }),
    },
    ['id', 'lastModifiedDateTime', 'parentFolderId'],
  ),
};
