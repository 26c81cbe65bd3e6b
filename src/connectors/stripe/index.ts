import { type ConnectorDefinition, cursorKinds, handSetState } from '../kit/index.js';
import { crmMapping } from './crm-mapping.js';
import { manifest } from './manifest.js';
import { createStripeSandbox } from './sandbox/index.js';
import { streams } from './streams.js';
import { verifyStripeSignature } from './webhook-signature.js';

/** A hand-set cursor of a Stripe list: a `created` time (Unix seconds) or a date. */
const byCreated = handSetState(cursorKinds.unixSecondsOrIsoDate);

/** The Stripe connector: manifest, stream readers, the local simulator, and webhook signature checks. */
export const stripe: ConnectorDefinition = {
  manifest,
  streams,
  stateSchemas: { customers: byCreated, invoices: byCreated, charges: byCreated, subscriptions: byCreated },
  crm: crmMapping,
  sandbox: createStripeSandbox,
  webhook: {
    secret_field: 'webhook_secret',
    verify: ({ rawBody, headers, secret }) => {
      const header = headers['stripe-signature'];
      const result = verifyStripeSignature(rawBody, Array.isArray(header) ? header[0] : header, secret);
      return result.ok ? { ok: true } : { ok: false, reason: result.reason };
    },
  },
};

export { manifest, streams, createStripeSandbox };
export {
  DEFAULT_STRIPE_SANDBOX_KEY,
  type StripeSandboxHandle,
  type StripeSandboxInfo,
  type StripeSandboxOptions,
  type StripeWebhookDelivery,
  type StripeWebhookEndpoint,
} from './sandbox/index.js';
export {
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  signStripePayload,
  verifyStripeSignature,
  type StripeSignatureFailure,
  type StripeSignatureResult,
} from './webhook-signature.js';
