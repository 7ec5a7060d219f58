// The development map (docs/development.md): a fenced block of `path  description` lines, nested by two spaces
// (a nested path is relative to the folder on the line above it at one level less).

/** Every path the map names, relative to the repository root (folders end with "/"). */
export function mapPaths(block: string): string[] {
  const parents: string[] = [];
  const paths: string[] = [];
  for (const line of block.split("\n")) {
    const match = /^( *)(\S.*?)(?: {2,}.*)?$/.exec(line);
    if (!match) continue;
    const level = (match[1] as string).length / 2;
    if (!Number.isInteger(level) || level > parents.length)
      throw new Error(`map line badly indented: ${line}`);
    parents.length = level;
    const prefix = parents.join("");
    const names = (match[2] as string).split(", ").map((name) => prefix + name);
    paths.push(...names);
    const folder = names.find((name) => name.endsWith("/"));
    if (folder) parents.push(folder.slice(prefix.length));
  }
  return paths;
}

/**
 * The folders a newcomer must find on the map: every tracked folder up to three levels deep, except
 * inside an example (examples/README.md lists those) and test data (fixtures, client scripts).
 */
export function foldersToMap(trackedFiles: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const file of trackedFiles) {
    const parts = file.split("/").slice(0, -1);
    for (let depth = 1; depth <= Math.min(parts.length, 3); depth++) {
      const folder = `${parts.slice(0, depth).join("/")}/`;
      if (/^examples\/[^/]+\/|\/(fixtures|clients)\/|^\.ci\//.test(folder)) continue;
      folders.add(folder);
    }
  }
  return [...folders].sort();
}

/** The fenced block right under the page's "# Development" heading. */
export function developmentMapBlock(page: string): string {
  const match = /^#{1,2} Development\n+```\n([\s\S]*?)\n```/m.exec(page);
  if (!match) throw new Error("no fenced block right under # Development");
  return match[1] as string;
}
