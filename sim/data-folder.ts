import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Files of one folder, by name → contents. */
export type FolderFiles = Readonly<Record<string, string>>;

/**
 * Reads `dataDir/name`, creating it with `create()` when it is missing or `isUsable` rejects it. Creation writes a
 * temporary folder and renames it into place, so two simulators starting together on one data folder end up with
 * the same files (the loser of the race reads the winner's). Files are written owner-only (they hold private keys).
 */
export async function loadOrCreateFolder(
  dataDir: string,
  name: string,
  fileNames: readonly string[],
  create: () => FolderFiles,
  isUsable: (files: FolderFiles) => boolean = () => true,
): Promise<{ folder: string; files: FolderFiles }> {
  const folder = path.join(dataDir, name);
  const existing = await readFolder(folder, fileNames);
  if (existing && isUsable(existing)) return { folder, files: existing };

  await mkdir(dataDir, { recursive: true });
  const staging = path.join(
    dataDir,
    `${name}.tmp-${process.pid.toString()}-${randomBytes(4).toString('hex')}`,
  );
  await mkdir(staging, { mode: 0o700 });
  const files = create();
  for (const fileName of fileNames) {
    const contents = files[fileName];
    if (contents === undefined) throw new Error(`create() did not produce ${fileName}`);
    await writeFile(path.join(staging, fileName), contents, { mode: 0o600 });
  }
  if (existing) await rm(folder, { recursive: true, force: true });
  try {
    await rename(staging, folder);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const winner = await readFolder(folder, fileNames);
    if (!winner) throw error;
    return { folder, files: winner };
  }
  return { folder, files };
}

async function readFolder(folder: string, fileNames: readonly string[]): Promise<FolderFiles | undefined> {
  try {
    const contents = await Promise.all(
      fileNames.map((fileName) => readFile(path.join(folder, fileName), 'utf8')),
    );
    return Object.fromEntries(fileNames.map((fileName, i) => [fileName, contents[i] ?? '']));
  } catch {
    return undefined;
  }
}
