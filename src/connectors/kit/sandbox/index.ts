export { hash32, hashUnit, Prng } from './prng.js';
export { issueTitle, pullRequestTitle, paragraphs } from './text.js';
export { SandboxClock, isoSeconds, parseIsoSeconds } from './clock.js';
export { BatchClock } from './batch-clock.js';
export { FaultInjector, FaultRequestSchema, faultKinds, type ActiveFault, type FaultKind, type FaultRequest } from './faults.js';
export { RequestStats, type StatsSnapshot } from './stats.js';
export { ExchangeLog, REDACTED, type RecordedExchange } from './exchange-log.js';
export { RateLimitWindow, type RateWindowState } from './rate-window.js';
export {
  startSandboxServer,
  ChangeRequestSchema,
  SandboxControlError,
  type ChangeRequest,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
  type SandboxServer,
  type SandboxServerOptions,
} from './server.js';
export { formOf, jsonOf, bearerOf, basicOf } from './request-body.js';
export { SandboxOAuth, oauthOverrides, type SandboxOAuthOptions, type StandardTokenResponse, type OAuthGrant } from './oauth-server.js';
export {
  BusinessWorld,
  businessWorld,
  assignWorldPeople,
  DEFAULT_WORLD_SEED,
  type WorldCompany,
  type WorldPerson,
  type WorldDrawOptions,
} from './business-world.js';
export { FilteredSequence, ReversedSequence, lowerBound, type Sequence } from './sequences.js';
export { readAll, readerContext, type ReadOptions, type ReadResult, type ReaderContextInput } from './reader-harness.js';
export { SchemaRecords, type SchemaRecordOptions, type FieldOverride, type FieldOverrideContext, type JsonSchema } from './schema-records.js';
export { RecordStore, type RecordStoreOptions, type StoredRecord, type StoreQuery, type StoreChanges, type DeletionMode } from './record-store.js';
export { formatCursor, parseCursor, roundDown, type CursorFormat } from './cursor-format.js';
export { credentialCheck, type CredentialValues } from './simulator-auth.js';
export {
  defaultErrorBody,
  type SimulatorProvider,
  type SimulatorOverride,
  type SimulatorContext,
  type SimulatorErrorCode,
} from './simulator-provider.js';
export { createSimulator, type SimulatorInput, type SimulatorOptions, type SimulatorHandle, type SimulatorInfo } from './simulator.js';
