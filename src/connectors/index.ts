import type { ConnectorDefinition } from '../contracts/connector-kit.js';
import { github } from './github/index.js';

/** Every connector this build ships; the catalog validates their manifests at start. */
export const allConnectors: ConnectorDefinition[] = [github];
