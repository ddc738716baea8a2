import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../support/processes.js';
import { freePort } from '../../support/ports.js';

const exec = promisify(execFile);

/** One stage of the Dockerfile: its name and its instructions (continuation lines joined). */
interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: readonly { readonly keyword: string; readonly args: string }[];
}

function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: { name: string; from: string; instructions: { keyword: string; args: string }[] }[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const match = /^(\S+)\s+AS\s+(\S+)$/i.exec(args);
      assert.ok(match, `every stage is named: FROM ${args}`);
      stages.push({ from: match[1] ?? '', name: match[2] ?? '', instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

function all(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((entry) => entry.keyword === keyword).map((entry) => entry.args);
}

function execForm(args: string): string[] {
  const parsed = JSON.parse(args) as unknown;
  assert.ok(Array.isArray(parsed), `exec form (JSON array) expected: ${args}`);
  return parsed as string[];
}

/** Whether dist/ is a build of the current sources (scripts/run-entry.mjs applies the same rule). */
function buildIsCurrent(): boolean {
  const stamp = path.join(repoRoot, 'dist/BUILD');
  if (!fs.existsSync(stamp) || !fs.existsSync(path.join(repoRoot, 'tab/web/dist/index.html'))) return false;
  const since = fs.statSync(stamp).mtimeMs;
  const pending = ['src', 'server', 'bot', 'tab/api', 'sim'].map((folder) => path.join(repoRoot, folder));
  while (pending.length > 0) {
    const folder = pending.pop() ?? '';
    for (const item of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, item.name);
      if (item.isDirectory()) pending.push(full);
      else if (/\.(ts|mjs)$/.test(item.name) && fs.statSync(full).mtimeMs > since) return false;
    }
  }
  return true;
}

/** Bare package names a compiled file imports or requires (`pkg`, `@scope/pkg`), built-ins left out. */
function importedPackages(code: string): Set<string> {
  const found = new Set<string>();
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
    /^import\s*['"]([^'"]+)['"]/gm,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : (specifier.split('/')[0] ?? '');
      if (builtinModules.includes(name)) continue;
      found.add(name);
    }
  }
  return found;
}

/**
 * The production image (Dockerfile) checked against the real build output, since no container engine runs on this
 * machine: the build stage copies everything `npm run build` reads and runs it; the runtime stage holds exactly
 * what the compiled server needs — no development dependency — runs as a non-root user, and its CMD and HEALTHCHECK
 * work: the runtime stage's files are assembled from the build output, the server is started with the image's own
 * environment, and its health check answers healthy, then unhealthy once the server is gone.
 */
describe('the production image (Dockerfile) against the build output', function () {
  this.timeout(240_000);
  const stages = parseDockerfile(fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'));
  const build = stages.find((stage) => stage.name === 'build');
  const runtime = stages[stages.length - 1];
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  before(async function () {
    this.timeout(240_000);
    if (!buildIsCurrent())
      await exec('npm', ['run', '--silent', 'build'], { cwd: repoRoot, timeout: 230_000 });
  });

  it('has a build stage that installs, builds and drops the development dependencies, then a runtime stage', () => {
    assert.ok(build, 'a stage named build');
    assert.ok(runtime !== undefined && runtime !== build && runtime.name === 'runtime');
    const runs = all(build, 'RUN').join('\n');
    assert.match(runs, /npm ci\b/);
    assert.match(runs, /npm run build && npm prune --omit=dev/);
    // The runtime stage installs nothing and compiles nothing: it copies from the build stage.
    assert.doesNotMatch(all(runtime, 'RUN').join('\n'), /npm|tsc|vite/);
    for (const copy of all(runtime, 'COPY'))
      assert.match(copy, /^--from=build /, `runtime copies from build: ${copy}`);
  });

  it('copies into the build stage every input of `npm run build`, none of them excluded by .dockerignore', () => {
    assert.ok(build);
    const copied = all(build, 'COPY').flatMap((args) => {
      const parts = args.split(/\s+/);
      return parts.slice(0, -1);
    });
    const tsconfigBuild = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tsconfig.build.json'), 'utf8')) as {
      include: string[];
    };
    const inputs = [
      'package.json',
      'package-lock.json',
      '.npmrc',
      'tsconfig.json',
      'tsconfig.build.json',
      'scripts/build-server.mjs',
      'tab/web',
      ...tsconfigBuild.include,
    ];
    for (const input of inputs) {
      assert.ok(
        copied.some((source) => input === source || input.startsWith(`${source}/`)),
        `${input} is copied into the build stage`,
      );
      assert.ok(fs.existsSync(path.join(repoRoot, input)), `${input} exists`);
    }
    const ignored = fs
      .readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const source of copied) {
      assert.ok(!ignored.includes(source), `${source} is not excluded by .dockerignore`);
    }
    // The build output and local state never enter the build context.
    for (const excluded of ['node_modules', 'dist', 'data', 'tab/web/dist', '.env']) {
      assert.ok(ignored.includes(excluded), `.dockerignore excludes ${excluded}`);
    }
  });

  it('runs as a non-root user, with an exec-form CMD and HEALTHCHECK on files the build produces', () => {
    assert.ok(runtime);
    const users = all(runtime, 'USER');
    assert.equal(users.length, 1);
    assert.ok(!['root', '0', '0:0'].includes(users[0] ?? 'root'), 'not root');
    const [healthcheck] = all(runtime, 'HEALTHCHECK');
    assert.ok(healthcheck !== undefined);
    const healthCommand = execForm(healthcheck.replace(/^.*?\bCMD\s+/, ''));
    const command = execForm(all(runtime, 'CMD')[0] ?? '');
    assert.deepEqual(command, ['node', 'dist/server/main.js']);
    for (const file of [command[1], healthCommand[1]]) {
      assert.ok(fs.existsSync(path.join(repoRoot, file ?? '')), `${String(file)} is in the build output`);
    }
  });

  it('holds no development dependency: every package the compiled code imports is a production dependency', () => {
    const imported = new Set<string>();
    const pending = [path.join(repoRoot, 'dist')];
    while (pending.length > 0) {
      const folder = pending.pop() ?? '';
      for (const item of fs.readdirSync(folder, { withFileTypes: true })) {
        const full = path.join(folder, item.name);
        if (item.isDirectory()) pending.push(full);
        else if (/\.m?js$/.test(item.name))
          for (const name of importedPackages(fs.readFileSync(full, 'utf8'))) imported.add(name);
      }
    }
    assert.ok(imported.has('restify') && imported.has('kysely'), 'the scan sees the server’s imports');
    // Optional peers that their packages require inside try/catch (pg's native binding), or that a bundled package
    // only mentions: never needed at run time.
    const optional = new Set(['pg-native', 'pg-query-stream', 'pg-cursor']);
    const missing = [...imported].filter(
      (name) => manifest.dependencies[name] === undefined && !optional.has(name),
    );
    const fromDev = missing.filter((name) => manifest.devDependencies[name] !== undefined);
    assert.deepEqual(fromDev, [], 'the compiled code imports no development dependency');
  });

  it('assembled as the runtime stage copies it, starts with the image’s environment and reports healthy', async () => {
    assert.ok(runtime);
    const image = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-image-'));
    const dataDir = path.join(image, 'data');
    try {
      for (const copy of all(runtime, 'COPY')) {
        const [, source = '', target = ''] = copy.split(/\s+/);
        const from = path.join(repoRoot, path.relative('/app', source));
        const to = path.join(image, target);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        // node_modules as the build stage leaves it would be pruned to production; here it is linked (the check
        // above shows the compiled code needs no development package).
        if (target === 'node_modules') fs.symlinkSync(from, to);
        else fs.cpSync(from, to, { recursive: true });
      }
      fs.mkdirSync(dataDir);
      const imageEnv: Record<string, string> = {};
      for (const line of all(runtime, 'ENV')) {
        for (const match of line.matchAll(/(\w+)=(\S+)/g)) imageEnv[match[1] ?? ''] = match[2] ?? '';
      }
      assert.equal(imageEnv.APP_MODE, 'production');
      const port = await freePort();
      const env = {
        PATH: process.env.PATH ?? '',
        ...imageEnv,
        // The image's address and folder, made local to this test.
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        PUBLIC_BASE_URL: 'https://idm.image.test',
        SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
        TEAMS_APP_ID: crypto.randomUUID(),
        BOT_ID: crypto.randomUUID(),
        BOT_PASSWORD: 'image-test-bot-password',
        BOT_TENANT_ID: crypto.randomUUID(),
        TAB_SSO_CLIENT_ID: crypto.randomUUID(),
        TAB_DOMAIN: 'idm.image.test',
        ALLOWED_TENANT_IDS: crypto.randomUUID(),
        PARTNER_ADMINS: `${crypto.randomUUID()}:${crypto.randomUUID()}`,
      };
      const command = execForm(all(runtime, 'CMD')[0] ?? '');
      const healthCommand = execForm((all(runtime, 'HEALTHCHECK')[0] ?? '').replace(/^.*?\bCMD\s+/, ''));
      const server = spawn(process.execPath, command.slice(1), {
        cwd: image,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<void>((resolve) => {
        server.once('exit', () => {
          resolve();
        });
      });
      try {
        const deadline = Date.now() + 60_000;
        while (!output.includes('server listening')) {
          assert.ok(Date.now() < deadline && server.exitCode === null, `the server starts:\n${output}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const healthy = await exec(process.execPath, healthCommand.slice(1), { cwd: image, env });
        assert.equal(healthy.stdout.trim(), '200 ok');
        // The server runs from the assembled folder, not from the repository.
        assert.ok(fs.existsSync(path.join(dataDir, 'app.db')), 'the store is in the image’s DATA_DIR');
      } finally {
        server.kill('SIGTERM');
        await exited;
      }
      await assert.rejects(
        exec(process.execPath, healthCommand.slice(1), { cwd: image, env }),
        (error: { code?: number; stdout?: string }) => {
          assert.equal(error.code, 1);
          assert.match(error.stdout ?? '', /unhealthy/);
          return true;
        },
      );
    } finally {
      fs.rmSync(image, { recursive: true, force: true });
    }
  });
});
