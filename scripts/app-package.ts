/**
 * Builds and checks the Teams app package, offline.
 *
 * `npm run package:app -- --env dev` renders `appPackage/manifest.json` with `env/.env.dev` (+ `.env.dev.user`),
 * validates it against Microsoft's bundled manifest schema, checks both icons, and writes
 * `appPackage/build/appPackage.dev.zip` (manifest.json and the icons at the zip root) — the same package that
 * `atk provision` uploads. The functions are exported for the tests.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, parseEnv } from 'node:util';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { zipSync } from 'fflate';
import { AppError, type ErrorCode } from '../src/shared/errors.js';

/** `${{NAME}}`, the placeholder syntax of Teams Toolkit (spaces inside the braces allowed, as the toolkit does). */
const PLACEHOLDER = /\$\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}/g;

/** Variables the toolkit substitutes even when empty; every other empty variable counts as unresolved. */
const MAY_BE_EMPTY: readonly string[] = ['APP_NAME_SUFFIX'];

const COLOR_ICON_SIZE = 192;
const OUTLINE_ICON_SIZE = 32;
/** Teams shows at most ten commands per command list, although the v1.30 schema allows twelve. */
const MAX_COMMANDS_PER_LIST = 10;

/** A problem that stops the package from being built; `code` is stable for callers. */
export class AppPackageError extends AppError {
  override readonly name = 'AppPackageError';
  readonly problems: readonly string[];

  constructor(code: ErrorCode, message: string, problems: readonly string[] = []) {
    super(
      code,
      problems.length === 0 ? message : `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

export interface RenderedTemplate {
  readonly text: string;
  /** Names of the placeholders left in `text`, each once, in order of first appearance. */
  readonly unresolved: readonly string[];
}

/**
 * Substitutes `${{VAR}}` placeholders in a JSON template. Values are JSON-string-escaped, so a value with a quote
 * cannot change the document's structure. A variable that is missing — or empty, except `APP_NAME_SUFFIX` — leaves
 * its placeholder in place and is reported in `unresolved`.
 */
export function renderManifest(
  template: string,
  vars: Readonly<Record<string, string | undefined>>,
): RenderedTemplate {
  const unresolved = new Set<string>();
  const text = template.replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = vars[name];
    if (value === undefined || (value === '' && !MAY_BE_EMPTY.includes(name))) {
      unresolved.add(name);
      return placeholder;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  return { text, unresolved: [...unresolved] };
}

export interface PngInfo {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** 0 greyscale, 2 truecolour, 3 indexed, 4 greyscale + alpha, 6 truecolour + alpha. */
  readonly colorType: number;
  /** An alpha channel (colour type 4 or 6) or a `tRNS` chunk. */
  readonly hasTransparency: boolean;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Reads a PNG's size and colour type from its IHDR chunk, and looks for a `tRNS` chunk before the image data.
 * @throws {AppPackageError} `not_png` when the bytes are not a PNG with an IHDR chunk.
 */
export function readPngSize(png: Uint8Array): PngInfo {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (
    bytes.length < 33 ||
    !bytes.subarray(0, 8).equals(PNG_SIGNATURE) ||
    bytes.toString('latin1', 12, 16) !== 'IHDR'
  ) {
    throw new AppPackageError('not_png', 'not a PNG file');
  }
  const colorType = bytes.readUInt8(25);
  let hasTransparency = colorType === 4 || colorType === 6;
  for (let offset = 8; offset + 8 <= bytes.length && !hasTransparency;) {
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (type === 'IDAT' || type === 'IEND') break;
    if (type === 'tRNS') hasTransparency = true;
    offset += 12 + bytes.readUInt32BE(offset);
  }
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes.readUInt8(24),
    colorType,
    hasTransparency,
  };
}

export interface AppPackageFiles {
  /** The rendered manifest (placeholders substituted), parsed. */
  readonly manifest: unknown;
  readonly colorPng: Uint8Array;
  readonly outlinePng: Uint8Array;
}

/**
 * Checks an app package the way Teams will see it, without the network: Microsoft's manifest schema (the version
 * named by `$schema`, bundled in `@microsoft/app-manifest`), leftover placeholders, the command-list limit, and the
 * icons (which no schema checks): colour 192×192, outline 32×32 with transparency.
 * @returns every problem found, as sentences; empty when the package is good.
 */
export async function validateAppPackage(files: AppPackageFiles): Promise<string[]> {
  return [
    ...(await manifestProblems(files.manifest)),
    ...iconProblems('color.png', files.colorPng, COLOR_ICON_SIZE, false),
    ...iconProblems('outline.png', files.outlinePng, OUTLINE_ICON_SIZE, true),
  ];
}

async function manifestProblems(manifest: unknown): Promise<string[]> {
  if (!isRecord(manifest)) return ['manifest: must be a JSON object'];
  const problems = leftoverPlaceholders(manifest, '').map(
    ({ pointer, name }) => `manifest: ${pointer} still holds the placeholder \${{${name}}}`,
  );

  const schemaUrl = manifest.$schema;
  const version =
    typeof schemaUrl === 'string'
      ? /\/teams\/v(\d+\.\d+)\/MicrosoftTeams\.schema\.json$/.exec(schemaUrl)?.[1]
      : undefined;
  const schema = version === undefined ? undefined : loadBundledTeamsSchema(version);
  if (schema === undefined) {
    problems.push(
      `manifest: $schema ${JSON.stringify(schemaUrl)} is not a Teams manifest schema bundled with @microsoft/app-manifest`,
    );
    return problems;
  }
  if (manifest.manifestVersion !== version) {
    problems.push(
      `manifest: manifestVersion ${JSON.stringify(manifest.manifestVersion)} differs from the $schema version ${version}`,
    );
  }
  const schemaErrors = await AppManifestUtils.validateAgainstSchema(
    manifest as unknown as AppManifest,
    schema as Parameters<typeof AppManifestUtils.validateAgainstSchema>[1],
  );
  problems.push(...schemaErrors.map((error) => `manifest: ${error}`));

  const bots = Array.isArray(manifest.bots) ? (manifest.bots as unknown[]) : [];
  bots.forEach((bot, botIndex) => {
    const lists = isRecord(bot) && Array.isArray(bot.commandLists) ? (bot.commandLists as unknown[]) : [];
    lists.forEach((list, listIndex) => {
      const count = isRecord(list) && Array.isArray(list.commands) ? list.commands.length : 0;
      if (count > MAX_COMMANDS_PER_LIST) {
        problems.push(
          `manifest: /bots/${botIndex}/commandLists/${listIndex} has ${count} commands; Teams shows at most ${MAX_COMMANDS_PER_LIST}`,
        );
      }
    });
  });
  return problems;
}

function leftoverPlaceholders(value: unknown, pointer: string): { pointer: string; name: string }[] {
  if (typeof value === 'string') {
    return [...value.matchAll(PLACEHOLDER)].map((match) => ({
      pointer: pointer || '/',
      name: match[1] ?? '',
    }));
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => leftoverPlaceholders(item, `${pointer}/${index}`));
  if (isRecord(value)) {
    return Object.entries(value).flatMap(([key, item]) => leftoverPlaceholders(item, `${pointer}/${key}`));
  }
  return [];
}

/** The Teams manifest schema of one version from `@microsoft/app-manifest`'s own copy, so nothing is fetched. */
function loadBundledTeamsSchema(version: string): object | undefined {
  const packageMain = createRequire(import.meta.url).resolve('@microsoft/app-manifest');
  const file = path.join(
    path.dirname(packageMain),
    'json-schemas',
    'teams',
    `v${version}`,
    'MicrosoftTeams.schema.json',
  );
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as object;
}

function iconProblems(name: string, png: Uint8Array, size: number, needsTransparency: boolean): string[] {
  let info: PngInfo;
  try {
    info = readPngSize(png);
  } catch (error) {
    if (error instanceof AppPackageError) return [`${name}: not a PNG file`];
    throw error;
  }
  const problems: string[] = [];
  if (info.width !== size || info.height !== size) {
    problems.push(`${name}: must be ${size}×${size} pixels, found ${info.width}×${info.height}`);
  }
  if (needsTransparency && !info.hasTransparency) {
    problems.push(
      `${name}: must be transparent (PNG colour type 6 or a tRNS chunk), found colour type ${info.colorType}`,
    );
  }
  return problems;
}

/**
 * Checks a parsed `teamsapp.yml` against the toolkit's yaml schema. Each lifecycle step is reported against the
 * action its `uses` names, so a mistake reads "provision[4] botFramework/create: /with must have required property
 * 'messagingEndpoint'" rather than one failure per action the schema knows.
 */
export function validateTeamsAppYaml(document: unknown, yamlSchema: object): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validateDocument = ajv.compile(yamlSchema);
  if (validateDocument(document)) return [];

  const definitions = isRecord(yamlSchema) && isRecord(yamlSchema.definitions) ? yamlSchema.definitions : {};
  const actions = actionDefinitions(definitions);
  const problems: string[] = [];
  const stepsWithErrors = new Set<string>();
  for (const error of validateDocument.errors ?? []) {
    const [, lifecycle, index] = /^\/(\w+)\/(\d+)(?:\/|$)/.exec(error.instancePath) ?? [];
    if (lifecycle === undefined || index === undefined) problems.push(describeError(error, ''));
    else stepsWithErrors.add(`${lifecycle}/${index}`);
  }

  for (const key of stepsWithErrors) {
    const [lifecycle = '', index = ''] = key.split('/');
    const steps = isRecord(document) ? document[lifecycle] : undefined;
    const step = Array.isArray(steps) ? (steps as unknown[])[Number(index)] : undefined;
    const uses = isRecord(step) ? step.uses : undefined;
    const label = `${lifecycle}[${index}]`;
    const definition = typeof uses === 'string' ? actions.get(uses) : undefined;
    if (definition === undefined) {
      problems.push(`${label}: unknown action ${JSON.stringify(uses)}`);
      continue;
    }
    const validateStep: ValidateFunction = ajv.compile({ $ref: `#/definitions/${definition}`, definitions });
    if (validateStep(step)) continue;
    const seen = new Set<string>();
    for (const error of validateStep.errors ?? []) {
      // aadApp/create is a oneOf (with or without a secret); its summary line adds nothing to the specific ones.
      if (error.keyword === 'oneOf' || error.keyword === 'anyOf') continue;
      const text = describeError(error, `${label} ${uses as string}: `);
      if (!seen.has(text)) problems.push(text);
      seen.add(text);
    }
  }
  return problems;
}

/** Maps each action name (`uses`) to the top-level schema definition that describes the step. */
function actionDefinitions(definitions: Record<string, unknown>): Map<string, string> {
  const lifecycle = definitions.lifeCycleArray;
  const items = isRecord(lifecycle) && isRecord(lifecycle.items) ? lifecycle.items.anyOf : undefined;
  const refs = Array.isArray(items) ? (items as unknown[]) : [];
  const result = new Map<string, string>();
  for (const ref of refs) {
    const name = isRecord(ref) && typeof ref.$ref === 'string' ? ref.$ref.replace('#/definitions/', '') : '';
    const uses = usesOf(definitions, name, 0);
    if (uses !== undefined) result.set(uses, name);
  }
  return result;
}

function usesOf(definitions: Record<string, unknown>, name: string, depth: number): string | undefined {
  const definition = definitions[name];
  if (!isRecord(definition) || depth > 3) return undefined;
  const properties = isRecord(definition.properties) ? definition.properties : {};
  if (isRecord(properties.uses) && typeof properties.uses.const === 'string') return properties.uses.const;
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    const branches = definition[keyword];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches as unknown[]) {
      if (!isRecord(branch) || typeof branch.$ref !== 'string') continue;
      const found = usesOf(definitions, branch.$ref.replace('#/definitions/', ''), depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function describeError(error: ErrorObject, prefix: string): string {
  const where = error.instancePath === '' ? '/' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
      : error.keyword === 'enum'
        ? ` (${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)})`
        : '';
  return `${prefix}${where} ${error.message ?? 'is invalid'}${extra}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `env/.env.<env>` and then `env/.env.<env>.user` (later files win), the way the toolkit does.
 * @throws {AppPackageError} `unknown_environment` when `env/.env.<env>` does not exist.
 */
export function readEnvironment(rootDir: string, env: string): Record<string, string> {
  if (!/^[A-Za-z0-9_-]+$/.test(env)) {
    throw new AppPackageError('unknown_environment', `environment name ${JSON.stringify(env)} is not valid`);
  }
  const file = path.join(rootDir, 'env', `.env.${env}`);
  if (!fs.existsSync(file)) {
    throw new AppPackageError('unknown_environment', `no environment file ${path.relative(rootDir, file)}`);
  }
  const vars: Record<string, string> = {};
  for (const source of [file, `${file}.user`]) {
    if (!fs.existsSync(source)) continue;
    for (const [name, value] of Object.entries(parseEnv(fs.readFileSync(source, 'utf8')))) {
      if (value !== undefined) vars[name] = value;
    }
  }
  return vars;
}

export interface BuildAppPackageOptions {
  /** The project folder holding `appPackage/` and `env/`. */
  readonly rootDir: string;
  /** Environment name: reads `env/.env.<env>`. */
  readonly env: string;
}

export interface BuiltAppPackage {
  readonly zipPath: string;
  readonly manifestPath: string;
}

/**
 * Renders, validates and zips the app package into `appPackage/build/appPackage.<env>.zip`, next to the rendered
 * `manifest.<env>.json`.
 * @throws {AppPackageError} `unresolved_placeholders` or `invalid_app_package`, listing every problem.
 */
export async function buildAppPackage(options: BuildAppPackageOptions): Promise<BuiltAppPackage> {
  const appPackageDir = path.join(options.rootDir, 'appPackage');
  const vars = readEnvironment(options.rootDir, options.env);
  const rendered = renderManifest(fs.readFileSync(path.join(appPackageDir, 'manifest.json'), 'utf8'), vars);
  if (rendered.unresolved.length > 0) {
    throw new AppPackageError(
      'unresolved_placeholders',
      `appPackage/manifest.json needs values for these variables in env/.env.${options.env}:`,
      rendered.unresolved,
    );
  }
  const manifest = JSON.parse(rendered.text) as unknown;
  const icons = isRecord(manifest) && isRecord(manifest.icons) ? manifest.icons : {};
  const colorName = typeof icons.color === 'string' ? icons.color : 'color.png';
  const outlineName = typeof icons.outline === 'string' ? icons.outline : 'outline.png';
  const colorPng = fs.readFileSync(path.join(appPackageDir, colorName));
  const outlinePng = fs.readFileSync(path.join(appPackageDir, outlineName));

  const problems = await validateAppPackage({ manifest, colorPng, outlinePng });
  if (problems.length > 0) {
    throw new AppPackageError('invalid_app_package', 'The app package is not valid:', problems);
  }

  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const buildDir = path.join(appPackageDir, 'build');
  fs.mkdirSync(buildDir, { recursive: true });
  const manifestPath = path.join(buildDir, `manifest.${options.env}.json`);
  const zipPath = path.join(buildDir, `appPackage.${options.env}.zip`);
  fs.writeFileSync(manifestPath, manifestText);
  fs.writeFileSync(
    zipPath,
    zipSync(
      {
        'manifest.json': Buffer.from(manifestText, 'utf8'),
        [path.basename(colorName)]: colorPng,
        [path.basename(outlineName)]: outlinePng,
      },
      { level: 9, mtime: new Date('2020-01-01T00:00:00Z') },
    ),
  );
  return { zipPath, manifestPath };
}

async function main(argv: readonly string[]): Promise<number> {
  const usage =
    'usage: npm run package:app -- --env <name>   (reads env/.env.<name>, writes appPackage/build/)';
  let env: string | undefined;
  try {
    ({ env } = parseArgs({ args: [...argv], options: { env: { type: 'string' } }, strict: true }).values);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return 2;
  }
  if (env === undefined) {
    process.stderr.write(`missing --env\n${usage}\n`);
    return 2;
  }
  const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    const built = await buildAppPackage({ rootDir, env });
    process.stdout.write(`wrote ${path.relative(rootDir, built.zipPath)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof AppPackageError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
