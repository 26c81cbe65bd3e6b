import type { AfterAuthorization } from '../kit/index.js';

/**
 * Intuit's redirect names the company the user connected (`realmId`); every API path needs it. The token
 * grants access to that company only, so it replaces whatever `realm_id` the connection held.
 */
export const afterAuthorization: AfterAuthorization = async ({ callback, config }) => {
  const realmId = callback.get('realmId');
  if (realmId && /^\d{1,32}$/.test(realmId)) return { realm_id: realmId };
  if (typeof config['realm_id'] === 'string' && config['realm_id'] !== '') return {};
  throw new Error('the QuickBooks redirect carried no realmId (company id); reconnect and pick a company, or set realm_id');
};
