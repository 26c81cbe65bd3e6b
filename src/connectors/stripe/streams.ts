import type { StreamReader } from '../kit/index.js';
import { resources, type StripeStreamName } from './resources.js';
import { stripeStream } from './stripe-stream.js';

/** One reader per stream of the manifest; they differ only in their resource description. */
export const streams: Record<StripeStreamName, StreamReader> = {
  customers: stripeStream(resources.customers),
  invoices: stripeStream(resources.invoices),
  charges: stripeStream(resources.charges),
  subscriptions: stripeStream(resources.subscriptions),
};
