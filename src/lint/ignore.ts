/**
 * The manifest's `lint.ignore` globs as one test on a path relative to the manifest's folder (`/`
 * between folders): `*` and `?` match within one name, a `**` part any number of folders. Every glob
 * is anchored at the manifest's folder, like a path; a folder that matches is skipped whole.
 */
export function ignoredBy(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const all = new RegExp(`^(?:${globs.map(globSource).join('|')})$`);
  return (path) => all.test(path);
}

function globSource(glob: string): string {
  const parts = glob.replace(/\/+$/, '').split('/');
  return parts
    .map((part, i) => {
      const last = i === parts.length - 1;
      if (part === '**') return last ? '.*' : '(?:[^/]+/)*';
      const name = part
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*+/g, '[^/]*')
        .replace(/\?/g, '[^/]');
      return last ? name : `${name}/`;
    })
    .join('');
}
