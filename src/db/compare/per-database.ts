import type { Model, Service } from '../../model/types.js';
import { readCatalogs } from '../catalog/read.js';
import type { CatalogSchema } from '../catalog/types.js';
import type { Db } from '../connect/queryable.js';
import { diffService } from './drift.js';
import type { Drift } from './types.js';

/** A service's part of its database's catalog, and how it differs from the model. */
export interface ServiceState {
  readonly catalog: CatalogSchema;
  readonly drift: readonly Drift[];
}

/**
 * Push and verify of several services sharing a database read its catalog once: every service's
 * schema in one snapshot (readCatalogs), each service then compared with its part. A push trusts that
 * read only until something may have changed the database: after the first full push on it, `state`
 * answers undefined and each later service is compared inside its own push transaction, as always.
 */
export class CatalogPerDatabase {
  private readonly reads = new Map<string, Promise<ReadonlyMap<string, CatalogSchema>>>();
  private readonly changed = new Set<string>();

  /** `services`: every service to push or verify, with the key of the database it lives in. */
  constructor(
    private readonly model: Model,
    private readonly services: readonly { readonly key: string; readonly service: Service }[],
    /** read the objects the manifest cannot declare too (verify lists them) */
    private readonly unmanaged = false,
  ) {}

  /** The service's catalog and drift (verify's, tables found elsewhere included); undefined once stale. */
  async state(key: string, db: Db, service: Service): Promise<ServiceState | undefined> {
    if (this.changed.has(key)) return undefined;
    const catalog = (await this.read(key, db)).get(service.schema)!;
    return { catalog, drift: await diffService(service, catalog, db) };
  }

  /**
   * Starts the read of the database `key` now, so that the database computes it while the caller
   * does other work (push checks generated/ meanwhile); `state` then awaits it and reports its failure.
   */
  readAhead(key: string, db: Promise<Db>): void {
    this.read(key, db).catch(() => undefined);
  }

  private read(key: string, db: Db | Promise<Db>) {
    let read = this.reads.get(key);
    if (!read) {
      const requests = this.requests(key);
      const options = { unmanaged: this.unmanaged };
      read = Promise.resolve(db).then(
        async (d) => (await d.readOnly((q) => readCatalogs(q, requests, options))).schemas,
      );
      this.reads.set(key, read);
    }
    return read;
  }

  /** A push is about to run on the database `key` (whatever its outcome): the read no longer holds. */
  markChanged(key: string): void {
    this.changed.add(key);
  }

  private requests(key: string) {
    return this.services
      .filter((x) => x.key === key)
      .map(({ service }) => ({
        schema: service.schema,
        lookFor: service.tables.map((t) => t.name),
        otherServices: this.model.services.filter((s) => s !== service).map((s) => s.schema),
      }));
  }
}
