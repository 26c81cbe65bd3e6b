/**
 * The connector kit: the one surface a connector's code imports (`src/connectors/<id>/` imports only this
 * module, `./sandbox/index.js` for its simulator, and its own folder; dependency-cruiser keeps it so). Each export
 * is documented where it is declared; docs/connector-kit.md lists them by topic.
 */

// Streams and state: what a stream reader receives and yields, and how a connector is assembled.
export type {
  AfterAuthorization,
  ConnectorDefinition,
  SandboxHandle,
  SandboxOptions,
  StreamContext,
  StreamMessage,
  StreamReader,
  StreamState,
} from '../../contracts/connector-kit.js';
export { cursorKinds, handSetState } from '../../contracts/stream-state.js';

// Schemas: the manifest and the default CRM mappings a connector declares.
export { ManifestSchema, type ManifestInput, type SyncMode } from '../../contracts/manifest.js';
export { CrmMappingListSchema, type CrmMappingInput } from '../../contracts/crm.js';

// Errors: configuration a stream refuses, and outbound HTTP failures.
export { AppError, isAppError } from '../../contracts/errors.js';

// HTTP and pagination: the client a stream is handed, the paginators, and helpers for untrusted JSON.
export {
  createHttpClient,
  HttpError,
  isHttpError,
  redactUrl,
  paginateCursor,
  paginateLinkHeader,
  paginateNextUrl,
  sleep,
  isObject,
  stringList,
  timeOf,
  type HttpClient,
  type HttpErrorKind,
  type HttpRequest,
  type HttpResponse,
  type Page,
  type QueryValue,
} from '../../http-client/index.js';

// Described streams: a stream as data instead of code (docs/connector-kit.md, "Described streams").
export {
  declarativeStreams,
  describedStream,
  StreamSpecError,
} from './declarative/declarative-streams.js';
export type { StreamSpecInput, StreamHooks, DescribedRequest, JsonRecord } from './declarative/stream-spec.js';
export { lenientState, type LenientState } from './declarative/lenient-state.js';
export { resumePass, passState, type ResumablePass } from './declarative/resumable-pass.js';
export { configList } from './declarative/config-list.js';
export { valueAt } from './declarative/json-path.js';
export { cursorMs, laterCursor, earlierCursor } from './declarative/cursor-time.js';

// Record schemas: the parts every connector's JSON Schemas are built from.
export { schema, type JsonSchema } from './json-schema.js';
