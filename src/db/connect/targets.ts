import { join, relative } from 'node:path';
import type { Model, Service } from '../../model/types.js';
import { UsageError, UserError } from '../../shared/errors.js';
import { connectEmbedded, connectUrl, maskUrl } from './connection.js';
import type { Db } from './queryable.js';
import { EMBEDDED_DIR, dataFingerprint, recordInSync, recordedInSync } from './embedded-state.js';

export { EMBEDDED_DIR };

export interface TargetOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** force the embedded database for every service */
  readonly embedded: boolean;
  /** refuse the embedded fallback (also when CI=true) */
  readonly requireUrl: boolean;
  readonly root: string;
  readonly cwd: string;
}

export interface Target {
  /** services sharing one key share one database */
  readonly key: string;
  readonly url?: string;
  readonly label: string;
  readonly source: string;
}

/** The project's embedded database, labelled with its folder as seen from `cwd`; `source` says why it was chosen. */
export function embeddedTarget(root: string, cwd: string, source: string): Target {
  return {
    key: 'embedded',
    label: `embedded PGlite (${relative(cwd, join(root, EMBEDDED_DIR)) || EMBEDDED_DIR})`,
    source,
  };
}

const GIVEN = 'given';

/** The target of a database the caller holds (Connections.over). */
export const givenTarget = (db: Db, source: string): Target => ({ key: GIVEN, label: db.label, source });

export function targetFor(service: Service, o: TargetOptions): Target {
  if (o.embedded) return embeddedTarget(o.root, o.cwd, '--embedded');
  const own = o.env[service.urlEnv];
  const url = own || o.env['DATABASE_URL'];
  if (url) return { key: url, url, label: maskUrl(url), source: own ? service.urlEnv : 'DATABASE_URL' };
  if (o.requireUrl || o.env['CI'] === 'true') {
    throw new UserError(
      `service ${service.name}: no database URL (set ${service.urlEnv} or ` +
        `DATABASE_URL); the embedded fallback is refused with --require-url and when ` +
        `CI=true`,
    );
  }
  return embeddedTarget(o.root, o.cwd, `no ${service.urlEnv} or DATABASE_URL`);
}

/**
 * Opens each distinct database once; `close` closes them all. For the embedded database it also
 * remembers which services were seen matching the manifest (see embedded-state.ts).
 */
export class Connections {
  private readonly open = new Map<string, Promise<Db>>();
  private readonly seenInSync: Service[] = [];
  private fingerprint?: string;
  /** false when the database was opened by the caller, who closes it */
  private owned = true;
  /** `extensions`: the manifest's, loaded into the embedded database when it opens */
  constructor(
    private readonly root: string,
    private readonly extensions: readonly string[] = [],
  ) {}

  /** One database the caller opened and will close (createTestDatabase's), for the targets `givenTarget` makes. */
  static over(db: Db): Connections {
    const c = new Connections('');
    c.open.set(GIVEN, Promise.resolve(db));
    c.owned = false;
    return c;
  }

  /** True when an embedded service is known to match without opening the database. */
  knownInSync(target: Target, service: Service): boolean {
    return (
      target.key === 'embedded' &&
      recordedInSync(this.root, service, () => (this.fingerprint ??= dataFingerprint(this.root)))
    );
  }

  markInSync(target: Target, service: Service): void {
    if (target.key === 'embedded') this.seenInSync.push(service);
  }

  get(target: Target): Promise<Db> {
    let db = this.open.get(target.key);
    if (!db) {
      db = target.url
        ? Promise.resolve(connectUrl(target.url))
        : connectEmbedded(join(this.root, EMBEDDED_DIR), this.extensions);
      this.open.set(target.key, db);
    }
    return db;
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    await Promise.all(
      [...this.open.values()].map(async (p) => (await p.catch(() => undefined))?.close().catch(() => undefined)),
    );
    if (this.open.has('embedded') || this.seenInSync.length > 0) recordInSync(this.root, this.seenInSync);
  }
}

export function selectServices(model: Model, names: readonly string[]): Service[] {
  for (const n of names) {
    if (!model.services.some((s) => s.name === n))
      throw new UsageError(
        `unknown service ${JSON.stringify(n)}; expected one of: ${model.services.map((s) => s.name).join(', ')}`,
      );
  }
  return model.services.filter((s) => names.length === 0 || names.includes(s.name));
}
