/**
 * JSON Schemas of the records, after the Gmail API's `Message` and `Thread` resources. Gmail prints 64-bit
 * numbers (historyId, internalDate) as strings, and so do the records. `additionalProperties` stays open
 * because Google adds fields over time.
 */
import { schema, type JsonSchema as Schema } from '../kit/index.js';

const { string, integer, dateTime, nullable, object, arrayOf } = schema;
const int64String: Schema = { type: 'string', pattern: '^[0-9]+$' };

const header = object({ name: string, value: string }, ['name', 'value']);

/** `format=metadata` gives the top part's MIME type and the requested headers, no body. */
const payload = object({
  partId: string,
  mimeType: string,
  filename: string,
  headers: arrayOf(header),
});

const added = (description: string): Schema => ({ ...nullable(string), description: `${description} (added by Tributary)` });

export const messageSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Gmail message (metadata)',
  ...object(
    {
      id: string,
      threadId: string,
      labelIds: arrayOf(string),
      snippet: string,
      historyId: int64String,
      internalDate: { ...int64String, description: 'Epoch milliseconds at which Gmail received the message' },
      sizeEstimate: integer,
      payload,
      subject: added('The Subject header'),
      from: added('The From header'),
      to: added('The To header'),
      received_at: { ...dateTime, description: 'internalDate as ISO 8601 (added by Tributary)' },
    },
    ['id', 'threadId', 'historyId', 'internalDate'],
  ),
};

export const threadSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Gmail thread',
  ...object(
    {
      id: string,
      snippet: string,
      historyId: int64String,
    },
    ['id', 'historyId'],
  ),
};
