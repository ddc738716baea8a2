// The answers of the integration use cases, as the bot, the tab and the CLI show them: the shared contracts.
export type { ConnectionOutcome, ConnectionTestResult, IntegrationView } from '../contracts/integrations.js';
