import type { View } from '../../model/types.js';
import type { Change } from '../compare/types.js';
import { aroundChanges, type Changed, keptSteps } from './dependents.js';
import type { DependentView } from './facts.js';
import type { Step } from './steps.js';
import { createView, creationOrder, dropView, dropViewIndex, viewIndex } from './views.js';

type ViewChange = Extract<Change, { kind: 'create view' | 'replace view' | 'view index' | 'drop view index' }>;
type Replaced = Extract<Change, { kind: 'replace view' }>;

/** Where the views' steps go in a plan: dropped before the changes under them, created after. */
export interface ViewSteps {
  readonly drop: readonly Step[];
  /** the live views reading what the plan changes, recreated as they were (or as declared) */
  readonly recreate: readonly Step[];
  /** the declared views created, each after those it reads */
  readonly declared: readonly Step[];
  readonly refusals: readonly string[];
}

/**
 * A service's declared views in its plan: one replaced in place (CREATE OR REPLACE) or given an index
 * now; one created, or dropped and created again, only once the plan knows which live views its other
 * changes drop, so a replaced view that reads a recast column is dropped and created once.
 */
export class DeclaredViews {
  private readonly created: View[] = [];
  private readonly replaced = new Map<string, Replaced>();

  constructor(private readonly schema: string) {}

  /** The steps a change takes where it stands in the plan; those created later, none. */
  add(change: ViewChange): Step[] {
    switch (change.kind) {
      case 'create view':
        this.created.push(change.view);
        return [];
      case 'replace view':
        if (!change.recreate) return createView(this.schema, change.view, true);
        this.replaced.set(`${this.schema}.${change.view.name}`, change);
        return [];
      case 'view index':
        return [
          ...(change.replace ? [dropViewIndex(this.schema, change.view, change.index.name)] : []),
          viewIndex(this.schema, change.view, change.index),
        ];
      case 'drop view index': {
        const rule = `removes index ${change.name} from ${this.schema}.${change.view.name} (not in the manifest)`;
        return [dropViewIndex(this.schema, change.view, change.name, rule)];
      }
    }
  }

  /** The views around the plan's changes (dependents.ts), with the declared ones created and replaced. */
  settle(dependents: readonly DependentView[], changed: Changed): ViewSteps {
    const replacements = new Map([...this.replaced].map(([key, c]) => [key, createView(this.schema, c.view)] as const));
    const around = aroundChanges(this.schema, dependents, changed, replacements);
    // A replaced view no changed table is under: dropped, and created with the new ones.
    const alone = [...this.replaced].filter(([key]) => !around.handled.has(key)).map(([, c]) => c);
    const created = creationOrder(this.schema, [...this.created, ...alone.map((c) => c.view)]);
    // What hangs on a replaced view, its comment, owner and grants go onto the new one.
    const kept = alone.flatMap((c) =>
      dependents.filter((d) => d.schema === this.schema && d.name === c.view.name).flatMap(keptSteps),
    );
    return {
      drop: [...around.before, ...alone.map((c) => dropView(this.schema, c.live))],
      recreate: around.after,
      declared: [...created.flatMap((view) => createView(this.schema, view)), ...kept],
      refusals: around.refusals,
    };
  }
}
