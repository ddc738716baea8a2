import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { repoRoot } from '../../../support/processes.js';
import { freePort } from '../../../support/ports.js';

/** A message the bot posted or updated, as the Playground's chat stream reports it. */
export interface ChatEvent {
  /** `createMessage` or `updateMessage`. */
  readonly action: string;
  readonly conversationId: string;
  readonly messageId: string;
  readonly fromBot: boolean;
  readonly text: string;
  /** The Adaptive Card of the message, if it has one. */
  readonly card: CardJson | undefined;
}

export type CardJson = Readonly<Record<string, unknown>>;

/** One entry of the Playground's traffic log: every request between it and the bot, new conversations included. */
export interface LogEntry {
  readonly conversationId: string;
  readonly from: string;
  readonly request: unknown;
}

/** An `Action.Execute` found on a card. */
export interface CardAction {
  readonly title: string;
  readonly verb: string;
  readonly data: unknown;
}

export interface PlaygroundOptions {
  /** The bot endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
  readonly appEndpoint: string;
  /** The Playground's mock world (tenant, users, chats): the repository's `.m365agentsplayground.yml`. */
  readonly configPath: string;
  /**
   * Start it as a person would, through `npm run playground`'s script (scripts/playground.ts) with PORT set to
   * the app's port, rather than from the Playground's own CLI. The script finds the app running and reuses it.
   */
  readonly throughScript?: { readonly appPort: number };
}

/**
 * The Microsoft 365 Agents Playground (`@microsoft/m365agentsplayground`, pinned), spawned from node_modules and
 * driven headless through the HTTP and WebSocket API its own web UI uses (reference/teams-tech.md §4).
 */
export class AgentsPlayground {
  readonly baseUrl: string;
  readonly botId: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly socket: WebSocket;
  private readonly logSocket: WebSocket;
  private readonly logDir: string;
  private readonly logs: LogEntry[] = [];
  private readonly events: ChatEvent[] = [];
  private readonly waiters: { match: (event: ChatEvent) => boolean; resolve: (event: ChatEvent) => void }[] =
    [];
  /** What the Playground printed (for failure messages). */
  readonly output: () => string;

  private constructor(parts: {
    baseUrl: string;
    botId: string;
    child: ChildProcessWithoutNullStreams;
    socket: WebSocket;
    logSocket: WebSocket;
    logDir: string;
    output: () => string;
  }) {
    this.baseUrl = parts.baseUrl;
    this.botId = parts.botId;
    this.child = parts.child;
    this.socket = parts.socket;
    this.logDir = parts.logDir;
    this.output = parts.output;
    this.logSocket = parts.logSocket;
    this.socket.on('message', (data: Buffer) => {
      this.onEvent(data.toString('utf8'));
    });
    this.logSocket.on('message', (data: Buffer) => {
      this.onLog(data.toString('utf8'));
    });
  }

  /** Starts the Playground on a free port (no browser, no telemetry) and connects to its chat stream. */
  static async start(options: PlaygroundOptions): Promise<AgentsPlayground> {
    const port = await freePort();
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-playground-'));
    const cli = path.join(repoRoot, 'node_modules/@microsoft/m365agentsplayground/cli.js');
    const child =
      options.throughScript === undefined
        ? spawn(
            process.execPath,
            [cli, '-e', options.appEndpoint, '-c', 'msteams', '--dt', '-p', String(port)],
            {
              cwd: logDir,
              env: {
                PATH: process.env.PATH ?? '',
                HOME: process.env.HOME ?? logDir,
                TEAMSAPPTESTER_BROWSER: 'none',
                M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configPath,
                M365_AGENTS_PLAYGROUND_LOGFILE: path.join(logDir, 'playground.log'),
              },
              stdio: ['pipe', 'pipe', 'pipe'],
            },
          )
        : spawn(
            process.execPath,
            ['--import', 'tsx', '--no-deprecation', path.join(repoRoot, 'scripts/playground.ts')],
            {
              cwd: repoRoot,
              env: {
                PATH: process.env.PATH ?? '',
                HOME: process.env.HOME ?? logDir,
                PORT: String(options.throughScript.appPort),
                PLAYGROUND_PORT: String(port),
              },
              stdio: ['pipe', 'pipe', 'pipe'],
            },
          );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const baseUrl = `http://127.0.0.1:${String(port)}`;
    try {
      await until(
        async () =>
          (await fetch(`${baseUrl}/_debug/ping`).then(
            (r) => r.text(),
            () => '',
          )) === 'pong',
        30_000,
        () => output,
      );
      const config = (await (await fetch(`${baseUrl}/_internal/v1/config`)).json()) as {
        config: { bot: { id: string } };
      };
      const socket = await openSocket(
        `ws://127.0.0.1:${String(port)}/_ws_conversation/v1/conversations/stream`,
      );
      const logSocket = await openSocket(`ws://127.0.0.1:${String(port)}/_ws/log/stream`);
      const playground = new AgentsPlayground({
        baseUrl,
        botId: config.config.bot.id,
        child,
        socket,
        logSocket,
        logDir,
        output: () => output,
      });
      return playground;
    } catch (error) {
      child.kill('SIGKILL');
      fs.rmSync(logDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Installs the app in a conversation (installationUpdate `add` + conversationUpdate `membersAdded`). */
  async install(conversationId: string): Promise<void> {
    await this.post(`/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {});
  }

  /** The current user types `text`; in a group chat or channel the bot is @mentioned first. */
  async say(
    conversationId: string,
    text: string,
    options: { readonly mention?: boolean } = {},
  ): Promise<string> {
    const mention = '<at>Identity Manager</at>';
    const body = options.mention
      ? {
          from: { id: 'user-megan' },
          text: `${mention} ${text}`,
          textFormat: 'plain',
          mentions: [{ mentioned: { id: this.botId }, text: mention }],
        }
      : { from: { id: 'user-megan' }, text, textFormat: 'plain' };
    const answer = (await this.post(
      `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      body,
    )) as {
      messageId: string;
    };
    return answer.messageId;
  }

  /** Someone clicks an `Action.Execute` on a posted card; resolves with the card the bot answered with. */
  async click(
    conversationId: string,
    messageId: string,
    action: { readonly verb: string; readonly data: unknown },
    from = 'user-megan',
    trigger: 'manual' | 'automatic' = 'manual',
  ): Promise<{ status: number; card: CardJson | undefined; body: unknown }> {
    const response = await fetch(`${this.baseUrl}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'adaptiveCard/action',
        from: { id: from },
        conversation: { id: conversationId },
        replyToId: messageId,
        value: {
          action: { type: 'Action.Execute', verb: action.verb, data: action.data },
          trigger,
        },
      }),
    });
    const body = (await response.json()) as { type?: string; value?: unknown };
    const card =
      body.type === 'application/vnd.microsoft.card.adaptive' ? (body.value as CardJson) : undefined;
    return { status: response.status, card, body };
  }

  /**
   * What a Teams client does for a member it shows a card with `refresh` to (as the browser UI would; headless,
   * nothing sends it): invokes the card's refresh action as that member, `trigger: automatic`.
   */
  async refresh(
    conversationId: string,
    messageId: string,
    card: CardJson | undefined,
    from: string,
  ): Promise<{ status: number; card: CardJson | undefined; body: unknown }> {
    const refresh = card?.refresh as { action?: { verb: string; data: unknown } } | undefined;
    if (refresh?.action === undefined) throw new Error('the card has no refresh action');
    return this.click(conversationId, messageId, refresh.action, from, 'automatic');
  }

  /** Waits for a bot message (new or updated) matching `match`, including ones already seen since `since`. */
  async next(
    match: (event: ChatEvent) => boolean,
    options: { readonly timeoutMs?: number; readonly since?: number } = {},
  ): Promise<ChatEvent> {
    const seen = this.events.slice(options.since ?? 0).find(match);
    if (seen !== undefined) return seen;
    return new Promise<ChatEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `no matching bot message within ${String(options.timeoutMs ?? 15_000)} ms; seen:\n${this.describeEvents()}`,
          ),
        );
      }, options.timeoutMs ?? 15_000);
      const waiter = {
        match,
        resolve: (event: ChatEvent) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** How many chat events have arrived so far (a mark for `next({ since })`). */
  mark(): number {
    return this.events.length;
  }

  /** The chat events that arrived after `mark`. */
  eventsSince(mark: number): readonly ChatEvent[] {
    return this.events.slice(mark);
  }

  async stop(): Promise<void> {
    this.socket.terminate();
    this.logSocket.terminate();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => {
        this.child.once('exit', () => {
          resolve();
        });
      });
      this.child.kill('SIGTERM');
      // The script stops its Playground itself (SIGKILL after 5 s); give it time to, before killing it.
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
      }, 8_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.logDir, { recursive: true, force: true });
  }

  describeEvents(): string {
    return this.events
      .map((event) => `${event.action} ${event.messageId} ${headingOf(event.card) ?? event.text}`)
      .join('\n');
  }

  private onEvent(raw: string): void {
    let parsed: { action?: string; actionConversationId?: string; message?: Record<string, unknown> };
    try {
      parsed = JSON.parse(raw) as typeof parsed;
    } catch {
      return;
    }
    const message = parsed.message;
    if (parsed.action === undefined || message === undefined) return;
    const attachments = (message.attachments ?? []) as { contentType?: string; content?: CardJson }[];
    const card = attachments.find(
      (attachment) => attachment.contentType === 'application/vnd.microsoft.card.adaptive',
    )?.content;
    const event: ChatEvent = {
      action: parsed.action,
      conversationId: parsed.actionConversationId ?? '',
      messageId: String(message.messageId),
      fromBot: (message.from as { id?: string } | undefined)?.id === this.botId,
      text: typeof message.text === 'string' ? message.text : '',
      card,
    };
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(event)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  }

  /** Waits until the traffic log holds an entry matching `match` (polling what has arrived). */
  async nextLog(match: (entry: LogEntry) => boolean, timeoutMs = 15_000): Promise<LogEntry> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no matching log entry within ${String(timeoutMs)} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private onLog(raw: string): void {
    try {
      const parsed = JSON.parse(raw) as {
        logAction?: string;
        log?: { conversationId?: string; from?: string; request?: unknown };
      };
      if (parsed.logAction !== 'appendLog' || parsed.log === undefined) return;
      this.logs.push({
        conversationId: parsed.log.conversationId ?? '',
        from: parsed.log.from ?? '',
        request: parsed.log.request,
      });
    } catch {
      // Not a log entry.
    }
  }

  private async post(route: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Playground ${route}: ${String(response.status)} ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}

/** Every text of a card (headings, text blocks, facts), joined: what a person reads. */
export function textOf(card: CardJson | undefined): string {
  const texts: string[] = [];
  walk(card, (node) => {
    if (node.type === 'TextBlock' && typeof node.text === 'string') texts.push(node.text);
    if (node.type === 'FactSet' && Array.isArray(node.facts)) {
      for (const fact of node.facts as { title: string; value: string }[])
        texts.push(`${fact.title}: ${fact.value}`);
    }
  });
  return texts.join('\n');
}

export function headingOf(card: CardJson | undefined): string | undefined {
  let heading: string | undefined;
  walk(card, (node) => {
    if (
      heading === undefined &&
      node.type === 'TextBlock' &&
      node.weight === 'bolder' &&
      node.size === 'medium'
    )
      heading = String(node.text);
  });
  return heading;
}

/** The card's `Action.Execute` actions, in order. */
export function actionsOf(card: CardJson | undefined): CardAction[] {
  const actions: CardAction[] = [];
  walk(card, (node) => {
    if (node.type === 'Action.Execute')
      actions.push({ title: String(node.title), verb: String(node.verb), data: node.data });
  });
  return actions;
}

/** The one action with this verb (and title prefix), or a failure naming what the card offers. */
export function actionOf(card: CardJson | undefined, verb: string, title?: string): CardAction {
  const found = actionsOf(card).find(
    (action) => action.verb === verb && (title === undefined || action.title.startsWith(title)),
  );
  if (found === undefined) {
    throw new Error(
      `no ${verb} action${title === undefined ? '' : ` titled ${title}`} on the card; it offers ${JSON.stringify(actionsOf(card))}`,
    );
  }
  return found;
}

function walk(value: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const node = value as Record<string, unknown>;
  visit(node);
  for (const child of Object.values(node)) walk(child, visit);
}

async function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      resolve();
    });
    socket.once('error', reject);
  });
  return socket;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`the Agents Playground did not start; output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
