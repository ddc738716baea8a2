import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import zlib from 'node:zlib';
import { unzipSync } from 'fflate';
import YAML from 'yaml';
import {
  AppPackageError,
  buildAppPackage,
  readPngSize,
  renderManifest,
  validateAppPackage,
  validateTeamsAppYaml,
} from '../../scripts/app-package.js';
import { drawColorIcon, drawOutlineIcon, encodePng, scanlines } from '../../scripts/make-icons.js';
import { settings } from '../../src/config/settings.js';
import { REQUIRED_PERMISSIONS } from '../../src/graph/required-permissions.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): Buffer => fs.readFileSync(path.join(root, file));
const readText = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

/** Values shaped like the ones provisioning writes to env/.env.dev. */
const realisticVars = {
  TEAMS_APP_ID: '8c3b2f2e-5d4a-4b6f-9a1e-2f7d0c9b1a11',
  BOT_ID: '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  AAD_APP_CLIENT_ID: '6f5e4d3c-2b1a-4c9d-8e7f-6a5b4c3d2e1f',
  TAB_ENDPOINT: 'https://idm.contoso-msp.com',
  TAB_DOMAIN: 'idm.contoso-msp.com',
  APP_NAME_SUFFIX: '-dev',
};

interface CommandList {
  scopes: string[];
  commands: { title: string; description: string }[];
}
interface Manifest {
  manifestVersion: string;
  bots: { botId: string; scopes: string[]; commandLists: CommandList[] }[];
  staticTabs: { entityId: string; contentUrl?: string; scopes: string[] }[];
  configurableTabs: { configurationUrl: string; scopes: string[]; canUpdateConfiguration: boolean }[];
  webApplicationInfo: { id: string; resource: string };
  validDomains: string[];
  permissions: string[];
}

function renderedManifest(vars: Record<string, string> = realisticVars): Manifest {
  const rendered = renderManifest(readText('appPackage/manifest.json'), vars);
  assert.deepEqual(rendered.unresolved, []);
  return JSON.parse(rendered.text) as Manifest;
}

const committedIcons = { colorPng: read('appPackage/color.png'), outlinePng: read('appPackage/outline.png') };

function idatPayload(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 8; offset < png.length; offset += 12 + png.readUInt32BE(offset)) {
    if (png.toString('latin1', offset + 4, offset + 8) === 'IDAT') {
      parts.push(png.subarray(offset + 8, offset + 8 + png.readUInt32BE(offset)));
    }
  }
  return Buffer.concat(parts);
}

describe('Teams app package', function () {
  this.timeout(30_000);

  describe('manifest', () => {
    it('validates against Microsoft’s schema once its placeholders hold realistic values', async () => {
      const manifest = renderedManifest();

      const problems = await validateAppPackage({ manifest, ...committedIcons });

      assert.deepEqual(problems, []);
      const minor = Number(manifest.manifestVersion.split('.')[1]);
      assert.ok(
        manifest.manifestVersion.startsWith('1.') && minor >= 22 && minor <= 30,
        manifest.manifestVersion,
      );
    });

    it('offers the bot in personal chat, teams and group chats with at most ten commands per list', () => {
      const [bot] = renderedManifest().bots;

      assert.deepEqual(bot?.scopes, ['personal', 'team', 'groupChat']);
      assert.equal(bot.botId, realisticVars.BOT_ID);
      assert.deepEqual(
        bot.commandLists.map((list) => list.scopes),
        [['personal'], ['team', 'groupChat']],
      );
      const known = ['help', 'clients', 'status', 'sync', 'users', 'import', 'disable', 'groups', 'exclude'];
      known.push('report', 'notifications', 'whoami', 'find');
      for (const list of bot.commandLists) {
        assert.ok(list.commands.length <= 10, `${list.scopes.join()} has ${list.commands.length} commands`);
        for (const command of list.commands) {
          assert.ok(known.includes(command.title), `unknown command ${command.title}`);
          assert.ok(command.description.length > 10, `command ${command.title} needs a description`);
        }
        assert.equal(list.commands[0]?.title, 'help');
      }
    });

    it('has a personal Clients tab, a configurable channel tab and SSO for the tab’s domain', () => {
      const manifest = renderedManifest();

      const clients = manifest.staticTabs.find((tab) => tab.entityId === 'clients');
      assert.equal(clients?.contentUrl, 'https://idm.contoso-msp.com/tab/index.html#/clients');
      assert.deepEqual(clients.scopes, ['personal']);
      assert.deepEqual(manifest.configurableTabs, [
        {
          configurationUrl: 'https://idm.contoso-msp.com/tab/index.html#/configure',
          canUpdateConfiguration: true,
          scopes: ['team', 'groupChat'],
          context: ['channelTab', 'privateChatTab', 'meetingChatTab'],
        },
      ]);
      assert.deepEqual(manifest.webApplicationInfo, {
        id: realisticVars.AAD_APP_CLIENT_ID,
        resource: `api://idm.contoso-msp.com/${realisticVars.AAD_APP_CLIENT_ID}`,
      });
      assert.deepEqual(manifest.validDomains, ['idm.contoso-msp.com']);
      assert.deepEqual(manifest.permissions, ['identity', 'messageTeamMembers']);
    });

    it('uses only placeholders that both environment files declare', () => {
      const placeholders = new Set(
        [...readText('appPackage/manifest.json').matchAll(/\$\{\{ *(\w+) *\}\}/g)].map((match) => match[1]),
      );
      for (const env of ['dev', 'local']) {
        const declared = Object.keys(parseEnv(readText(`env/.env.${env}`)));
        const missing = [...placeholders].filter((name) => name !== undefined && !declared.includes(name));
        assert.deepEqual(missing, [], `env/.env.${env} lacks ${missing.join(', ')}`);
      }
    });

    it('reports a bot scope Teams does not know', async () => {
      const manifest = renderedManifest();
      manifest.bots[0]!.scopes = ['personal', 'everyone'];

      const problems = await validateAppPackage({ manifest, ...committedIcons });

      assert.ok(
        problems.some((problem) =>
          problem.startsWith('manifest: /bots/0/scopes/1 must be equal to one of the allowed values'),
        ),
        problems.join('\n'),
      );
    });

    it('reports a command list longer than Teams shows', async () => {
      const manifest = renderedManifest();
      const list = manifest.bots[0]!.commandLists[0]!;
      list.commands = [...list.commands, { title: 'import', description: 'import <user>' }];

      const problems = await validateAppPackage({ manifest, ...committedIcons });

      assert.deepEqual(problems, [
        'manifest: /bots/0/commandLists/0 has 11 commands; Teams shows at most 10',
      ]);
    });

    it('reports a $schema whose version is not bundled, instead of fetching it', async () => {
      const manifest = {
        ...renderedManifest(),
        $schema: 'https://developer.microsoft.com/json-schemas/teams/v1.99/MicrosoftTeams.schema.json',
      };

      const problems = await validateAppPackage({ manifest, ...committedIcons });

      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(
        problems[0]!,
        /v1\.99.*is not a Teams manifest schema bundled with @microsoft\/app-manifest/,
      );
    });
  });

  describe('placeholders', () => {
    it('reports every unresolved placeholder once, and keeps it in the text', () => {
      const { TAB_DOMAIN: _domain, ...withoutDomain } = realisticVars;

      const rendered = renderManifest(readText('appPackage/manifest.json'), { ...withoutDomain, BOT_ID: '' });

      assert.deepEqual(rendered.unresolved, ['BOT_ID', 'TAB_DOMAIN']);
      assert.ok(rendered.text.includes('"validDomains": ["${{TAB_DOMAIN}}"]'));
    });

    it('reports a placeholder left in a manifest that is validated anyway', async () => {
      const manifest = JSON.parse(
        renderManifest(readText('appPackage/manifest.json'), { ...realisticVars, TAB_DOMAIN: '' }).text,
      ) as unknown;

      const problems = await validateAppPackage({ manifest, ...committedIcons });

      assert.ok(
        problems.includes('manifest: /validDomains/0 still holds the placeholder ${{TAB_DOMAIN}}'),
        problems.join('\n'),
      );
    });

    it('accepts an empty APP_NAME_SUFFIX, as the toolkit does', () => {
      const rendered = renderManifest('{"short": "Entra ID Manager${{APP_NAME_SUFFIX}}"}', {
        APP_NAME_SUFFIX: '',
      });

      assert.deepEqual(rendered, { text: '{"short": "Entra ID Manager"}', unresolved: [] });
    });

    it('escapes values so a quote cannot change the manifest’s structure', () => {
      const rendered = renderManifest('{"name": "${{NAME}}"}', { NAME: 'Contoso "MSP"\n' });

      assert.deepEqual(JSON.parse(rendered.text), { name: 'Contoso "MSP"\n' });
    });
  });

  describe('icons', () => {
    it('are 192×192 in colour and 32×32 transparent for the outline, read from the PNG headers', () => {
      const color = readPngSize(committedIcons.colorPng);
      const outline = readPngSize(committedIcons.outlinePng);

      assert.deepEqual([color.width, color.height], [192, 192]);
      assert.deepEqual([outline.width, outline.height, outline.colorType], [32, 32, 6]);
      assert.equal(outline.hasTransparency, true);
    });

    it('are the pixels scripts/make-icons.ts draws', () => {
      assert.ok(zlib.inflateSync(idatPayload(committedIcons.colorPng)).equals(scanlines(drawColorIcon())));
      assert.ok(
        zlib.inflateSync(idatPayload(committedIcons.outlinePng)).equals(scanlines(drawOutlineIcon())),
      );
    });

    it('reports a 64×64 outline icon', async () => {
      const problems = await validateAppPackage({
        manifest: renderedManifest(),
        colorPng: committedIcons.colorPng,
        outlinePng: encodePng(drawOutlineIcon(64)),
      });

      assert.deepEqual(problems, ['outline.png: must be 32×32 pixels, found 64×64']);
    });

    it('reports an outline icon without transparency and a colour icon that is not a PNG', async () => {
      const opaque = Buffer.from(committedIcons.outlinePng);
      opaque[25] = 2; // IHDR colour type: truecolour, no alpha

      const problems = await validateAppPackage({
        manifest: renderedManifest(),
        colorPng: Buffer.from('GIF89a'),
        outlinePng: opaque,
      });

      assert.deepEqual(problems, [
        'color.png: not a PNG file',
        'outline.png: must be transparent (PNG colour type 6 or a tRNS chunk), found colour type 2',
      ]);
    });

    it('counts a tRNS chunk as transparency', () => {
      const png = Buffer.from(committedIcons.outlinePng);
      png[25] = 2;
      const trns = Buffer.from([0, 0, 0, 6, 0x74, 0x52, 0x4e, 0x53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      const withTrns = Buffer.concat([png.subarray(0, 33), trns, png.subarray(33)]);

      assert.equal(readPngSize(withTrns).hasTransparency, true);
      assert.equal(readPngSize(png).hasTransparency, false);
    });
  });

  describe('teamsapp.yml', () => {
    const yamlSchema = JSON.parse(readText('test/fixtures/teams/teamsapp-yaml.schema.v1.11.json')) as object;
    const parse = (file: string): Record<string, { uses: string; with: Record<string, unknown> }[]> =>
      YAML.parse(readText(file)) as Record<string, { uses: string; with: Record<string, unknown> }[]>;

    for (const file of ['teamsapp.yml', 'teamsapp.local.yml']) {
      it(`${file} validates against the toolkit’s v1.11 yaml schema`, () => {
        assert.deepEqual(validateTeamsAppYaml(parse(file), yamlSchema), []);
      });

      it(`${file} provisions the Teams app, the SSO app, the bot, then validates, zips and uploads the package`, () => {
        const uses = (parse(file).provision ?? [])
          .map((step) => step.uses)
          .filter((name) => name !== 'script');

        assert.deepEqual(uses, [
          'teamsApp/create',
          'aadApp/create',
          'aadApp/update',
          'aadApp/create',
          'botFramework/create',
          'teamsApp/validateManifest',
          'teamsApp/zipAppPackage',
          'teamsApp/validateAppPackage',
          'teamsApp/update',
        ]);
      });

      it(`${file} gives every generated secret a stated lifetime, and records when each expires`, () => {
        const steps = parse(file).provision ?? [];
        const creates = steps.filter((step) => step.uses === 'aadApp/create');
        const recorder = steps.find(
          (step) => step.uses === 'script' && String(step.with.run).includes('secret-expiry'),
        );

        for (const step of creates)
          assert.equal(step.with.clientSecretExpireDays, 180, String(step.with.name));
        assert.ok(recorder, 'no step records the secrets’ expiry');
        assert.match(String(recorder.with.run), /^node scripts\/secret-expiry\.mjs 180 /);
      });

      it(`${file} writes only settings the app reads, including every one production requires`, () => {
        const step = (parse(file).deploy ?? []).find((s) => s.uses === 'file/createOrUpdateEnvironmentFile');
        const written = Object.keys(step?.with.envs as Record<string, unknown>);
        const known = settings.map((setting) => setting.env as string);
        const required = settings
          .filter((s) => 'requiredInProduction' in s && s.requiredInProduction)
          .map((s) => s.env);

        assert.deepEqual(
          written.filter((name) => !known.includes(name)),
          [],
        );
        assert.deepEqual(
          required.filter((name) => !written.includes(name)),
          [],
        );
        assert.equal((step?.with.envs as Record<string, unknown>).APP_MODE, 'production');
      });
    }

    it('reports a step missing a required `with` field against its own action', () => {
      const document = parse('teamsapp.yml');
      const index = document.provision!.findIndex((step) => step.uses === 'botFramework/create');
      delete document.provision![index]!.with.messagingEndpoint;

      const problems = validateTeamsAppYaml(document, yamlSchema);

      assert.deepEqual(problems, [
        `provision[${index}] botFramework/create: /with must have required property 'messagingEndpoint'`,
      ]);
    });

    it('reports an action the toolkit does not know', () => {
      const document = parse('teamsapp.yml');
      document.deploy!.push({ uses: 'teamsApp/launch', with: {} });

      const problems = validateTeamsAppYaml(document, yamlSchema);

      assert.deepEqual(problems, [
        `deploy[${document.deploy!.length - 1}]: unknown action "teamsApp/launch"`,
      ]);
    });
  });

  describe('aad.manifest.json', () => {
    /** Microsoft Graph app-role and scope ids (reference/graph-facts.md §7; the toolkit's permission list). */
    const graphRoles: Record<string, string> = {
      '7ab1d382-f21e-4acd-a863-ba3e13f7da61': 'Directory.Read.All',
      '5b567255-7703-4780-807c-7be8301ae99b': 'Group.Read.All',
      '498476ce-e0fe-48b0-b801-37ba7e2685c6': 'Organization.Read.All',
      '2280dda6-0bfd-44ee-a2f4-cb867cfc4c1e': 'Team.ReadBasic.All',
      'df021288-bdef-4463-88db-98f22de89214': 'User.Read.All',
      'b0afded3-3588-46d8-8b3d-9842eff778da': 'AuditLog.Read.All',
    };
    const graphScopes: Record<string, string> = {
      'e1fe6dd8-ba31-4d61-89e7-88639da4683d': 'User.Read',
      '37f7f235-527c-4136-accd-4a02d197296e': 'openid',
      '14dad69e-099b-42c9-810b-d002981feec1': 'profile',
      '7427e0e9-2fba-42fe-b0c0-848c9e6a8182': 'offline_access',
    };
    interface AadManifest {
      signInAudience: string;
      accessTokenAcceptedVersion: number;
      identifierUris: string[];
      requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
      oauth2Permissions: { value: string; type: string; id: string }[];
      preAuthorizedApplications: { appId: string; permissionIds: string[] }[];
      replyUrlsWithType: { url: string; type: string }[];
    }
    const aad = JSON.parse(readText('aad.manifest.json')) as AadManifest;

    it('requests exactly the Graph application permissions the core needs (not the optional ones), and sign-in scopes', () => {
      const [graph, ...others] = aad.requiredResourceAccess;
      const roles = graph!.resourceAccess
        .filter((a) => a.type === 'Role')
        .map((a) => graphRoles[a.id] ?? a.id);
      const scopes = graph!.resourceAccess
        .filter((a) => a.type === 'Scope')
        .map((a) => graphScopes[a.id] ?? a.id);

      assert.equal(graph!.resourceAppId, '00000003-0000-0000-c000-000000000000');
      assert.deepEqual(others, []);
      const needed = REQUIRED_PERMISSIONS.filter((p) => p.optional !== true).map((p) => p.name);
      assert.deepEqual([...roles].sort(), needed.sort());
      assert.deepEqual(scopes, ['User.Read', 'openid', 'profile', 'offline_access']);
    });

    it('is a multi-tenant app exposing access_as_user with v2 tokens, for the consent callback and sign-in window', () => {
      const [scope] = aad.oauth2Permissions;

      assert.equal(aad.signInAudience, 'AzureADMultipleOrgs');
      assert.equal(aad.accessTokenAcceptedVersion, 2);
      assert.deepEqual(aad.identifierUris, ['api://${{TAB_DOMAIN}}/${{AAD_APP_CLIENT_ID}}']);
      assert.equal(scope?.value, 'access_as_user');
      assert.deepEqual(aad.replyUrlsWithType, [
        { url: '${{TAB_ENDPOINT}}/auth/consent/callback', type: 'Web' },
        { url: '${{TAB_ENDPOINT}}/tab/auth-end.html', type: 'Web' },
      ]);
    });

    it('pre-authorises access_as_user for every host the personal tab runs in: Teams, Outlook and the Microsoft 365 app', () => {
      // The client ids Microsoft lists for Teams, the Microsoft 365 app and Outlook
      // (https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-register-aad), plus
      // the two more the toolkit's own tab-SSO template pre-authorises (aad.manifest.template.json of the CLI 1.1.17).
      const hosts: Record<string, string> = {
        '1fec8e78-bce4-4aaf-ab1b-5451cc387264': 'Teams mobile or desktop',
        '5e3ce6c0-2b1f-4285-8d4b-75ee78787346': 'Teams web',
        '4765445b-32c6-49b0-83e6-1d93765276ca': 'Microsoft 365 web',
        '0ec893e0-5785-4de6-99da-4ed124e5296c': 'Microsoft 365 desktop',
        'd3590ed6-52b3-4102-aeff-aad2292ab01c': 'Microsoft 365 mobile, Outlook desktop',
        'bc59ab01-8403-45c6-8796-ac3ef710b3e3': 'Outlook web',
        '27922004-5251-4030-b22d-91ecd9a37ea4': 'Outlook mobile',
        '4345a7b9-9a63-4910-a426-35363201d503': 'Microsoft 365 web (toolkit template)',
        '00000002-0000-0ff1-ce00-000000000000': 'Outlook web (toolkit template)',
      };
      const [scope] = aad.oauth2Permissions;

      const granted = Object.fromEntries(
        aad.preAuthorizedApplications.map((app) => [app.appId, app.permissionIds]),
      );

      assert.deepEqual(Object.keys(granted).sort(), Object.keys(hosts).sort());
      for (const appId of Object.keys(hosts)) assert.deepEqual(granted[appId], [scope?.id], hosts[appId]);
    });
  });

  describe('npm run package:app', () => {
    let project: string;

    beforeEach(() => {
      project = fs.mkdtempSync(path.join(os.tmpdir(), 'app-package-'));
      fs.cpSync(path.join(root, 'appPackage'), path.join(project, 'appPackage'), {
        recursive: true,
        filter: (source) => !source.includes(`${path.sep}build`),
      });
      fs.mkdirSync(path.join(project, 'env'));
    });

    afterEach(() => {
      fs.rmSync(project, { recursive: true, force: true });
    });

    const writeEnv = (name: string, vars: Record<string, string>): void => {
      const lines = Object.entries(vars).map(([key, value]) => `${key}=${value}`);
      fs.writeFileSync(path.join(project, 'env', name), `${lines.join('\n')}\n`);
    };

    it('writes a zip with the rendered manifest and both icons at its root, reading .user after the env file', async () => {
      const { BOT_ID: _bot, ...shared } = realisticVars;
      writeEnv('.env.test', { ...shared, BOT_ID: '' });
      writeEnv('.env.test.user', { BOT_ID: realisticVars.BOT_ID });

      const built = await buildAppPackage({ rootDir: project, env: 'test' });

      assert.equal(built.zipPath, path.join(project, 'appPackage', 'build', 'appPackage.test.zip'));
      const entries = unzipSync(fs.readFileSync(built.zipPath));
      assert.deepEqual(Object.keys(entries).sort(), ['color.png', 'manifest.json', 'outline.png']);
      const manifest = JSON.parse(Buffer.from(entries['manifest.json']!).toString('utf8')) as Manifest & {
        id: string;
      };
      assert.equal(manifest.id, realisticVars.TEAMS_APP_ID);
      assert.equal(manifest.bots[0]?.botId, realisticVars.BOT_ID);
      assert.ok(Buffer.from(entries['outline.png']!).equals(committedIcons.outlinePng));
    });

    it('refuses to build while a variable is missing, naming each one', async () => {
      writeEnv('.env.test', { TEAMS_APP_ID: realisticVars.TEAMS_APP_ID, APP_NAME_SUFFIX: '' });

      await assert.rejects(buildAppPackage({ rootDir: project, env: 'test' }), (error: unknown) => {
        assert.ok(error instanceof AppPackageError);
        assert.equal(error.code, 'unresolved_placeholders');
        assert.deepEqual(error.problems, ['TAB_ENDPOINT', 'BOT_ID', 'TAB_DOMAIN', 'AAD_APP_CLIENT_ID']);
        return true;
      });
      assert.equal(fs.existsSync(path.join(project, 'appPackage', 'build')), false);
    });

    it('refuses to build an invalid package and writes nothing', async () => {
      writeEnv('.env.test', { ...realisticVars, BOT_ID: 'not-a-guid' });

      await assert.rejects(buildAppPackage({ rootDir: project, env: 'test' }), (error: unknown) => {
        assert.ok(error instanceof AppPackageError);
        assert.equal(error.code, 'invalid_app_package');
        assert.ok(
          error.problems.some((problem) => problem.startsWith('manifest: /bots/0/botId must match pattern')),
        );
        return true;
      });
      assert.equal(fs.existsSync(path.join(project, 'appPackage', 'build')), false);
    });

    it('refuses an environment name that could leave the env folder', async () => {
      await assert.rejects(buildAppPackage({ rootDir: project, env: '../secrets' }), {
        code: 'unknown_environment',
      });
    });
  });
});
