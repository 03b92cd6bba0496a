import { chmod, lstat, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { log } from "../log.ts";

/** What `tightenFolder` changed: files and folders that others could read or enter. */
export interface Tightened {
  loosened: number;
}

const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Creates `dir` (and its parents) readable by the owner only, and takes group and other permissions off
 * everything already in it: the data folder holds the embedded database, the API token and the sealed
 * credentials, none of which anyone else on the machine should read. Symbolic links are left as they are.
 */
export async function tightenFolder(dir: string): Promise<Tightened> {
  await mkdir(dir, { recursive: true, mode: FOLDER_MODE });
  let loosened = 0;
  const visit = async (path: string): Promise<void> => {
    const stat = await lstat(path);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) {
      // Folders keep owner access to enter them; files keep only what the owner had (0600 at most for data).
      await chmod(path, stat.isDirectory() ? FOLDER_MODE : stat.mode & FILE_MODE);
      loosened++;
    }
    if (stat.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(dir);
  return { loosened };
}

/** `tightenFolder`, with a warning naming the folder when anything in it was open to others. */
export async function keepPrivate(dir: string): Promise<void> {
  const { loosened } = await tightenFolder(dir);
  if (loosened > 0) {
    log.warn(
      { folder: dir, tightened: loosened },
      "files in the data folder were readable by other users: they are the owner's only now",
    );
  }
}
