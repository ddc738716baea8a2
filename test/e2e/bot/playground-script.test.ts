import assert from 'node:assert/strict';
import path from 'node:path';
import { repoRoot } from '../../support/processes.js';
import { startDemoApp, type DemoApp } from '../tab/support/demo-app.js';
import { AgentsPlayground, headingOf } from './support/agents-playground.js';

/**
 * `npm run playground` while `npm start` runs (README, "In Teams: the bot"): the script finds the app already
 * answering in demo mode on PORT and points the Agents Playground at it instead of starting a second app on the
 * same port and data directory. The bot then answers in the Playground's personal chat.
 */
describe('npm run playground beside a running app', function () {
  this.timeout(90_000);
  const started: { app?: DemoApp; playground?: AgentsPlayground } = {};
  let app: DemoApp;

  before(async function () {
    this.timeout(150_000);
    app = started.app = await startDemoApp({ users: 40 });
  });

  after(async function () {
    this.timeout(30_000);
    await started.playground?.stop();
    await started.app?.stop();
  });

  it('reuses the running demo app, and the bot answers through it', async () => {
    const appPort = Number(new URL(app.baseUrl).port);
    const playground = (started.playground = await AgentsPlayground.start({
      appEndpoint: `${app.baseUrl}/api/messages`,
      configPath: path.join(repoRoot, '.m365agentsplayground.yml'),
      throughScript: { appPort },
    }));
    assert.match(playground.output(), /already running in demo mode on port \d+: the Playground uses it/);
    assert.doesNotMatch(playground.output(), /server listening/, 'no second app was started');
    const mark = playground.mark();
    await playground.say('personal-chat-megan', 'help');
    const answer = await playground.next((event) => event.fromBot && event.action === 'createMessage', {
      since: mark,
      timeoutMs: 30_000,
    });
    assert.ok(headingOf(answer.card) ?? answer.text, 'the bot answered with a card or text');
  });
});
