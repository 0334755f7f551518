import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (works from src/ under tsx and from dist/src/). */
export const version: string = (() => {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'faxengine' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
})();
