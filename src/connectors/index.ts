import type { ConnectorDefinition } from './kit/index.js';
import { deel } from './deel/index.js';
import { gmail } from './gmail/index.js';
import { github } from './github/index.js';
import { googleCalendar } from './google_calendar/index.js';
import { jira } from './jira/index.js';
import { microsoft } from './microsoft/index.js';
import { quickbooks } from './quickbooks/index.js';
import { slack } from './slack/index.js';
import { stripe } from './stripe/index.js';
import { zendesk } from './zendesk/index.js';

/** Every connector this build ships; the catalog validates their manifests at start. */
export const allConnectors: ConnectorDefinition[] = [github, googleCalendar, deel, gmail, jira, stripe, slack, microsoft, quickbooks, zendesk];
