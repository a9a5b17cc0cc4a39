import type { Composite, Service } from '../../model/types.js';
import type { CatalogComposite, CatalogSchema } from '../catalog/types.js';
import { stripSchema } from './normalize.js';
import type { Noted } from './types.js';

/**
 * The service's declared composite types against the live ones: missing, and each attribute by name
 * (missing, of another type, undeclared). The attributes' order is not compared: an attribute is
 * always added at the end. A composite type the manifest does not declare is left alone: verify
 * lists it as unmanaged.
 */
export function diffComposites(service: Service, catalog: CatalogSchema, at: Noted): void {
  const live = new Map(catalog.composites.map((c) => [c.name, c] as const));
  for (const composite of service.composites) {
    const actual = live.get(composite.name);
    if (!actual) at(composite.name, 'composite type is missing', { kind: 'create composite', composite });
    else diffAttributes(composite, actual, at);
  }
}

function diffAttributes(composite: Composite, live: CatalogComposite, at: Noted) {
  const attributes = new Map(live.attributes.map((a) => [a.name, a] as const));
  for (const attribute of composite.attributes) {
    const actual = attributes.get(attribute.name);
    attributes.delete(attribute.name);
    const where = `${composite.name}.${attribute.name}`;
    if (!actual) at(where, 'attribute is missing', { kind: 'add attribute', composite, attribute });
    else if (stripSchema(actual.type) !== attribute.type.sql)
      at(where, `attribute is ${actual.type}; expected ${attribute.type.sql}`, {
        kind: 'attribute type',
        composite,
        name: attribute.name,
        live: actual.type,
      });
  }
  for (const name of attributes.keys())
    at(`${composite.name}.${name}`, 'attribute is not in the manifest', { kind: 'drop attribute', composite, name });
}
