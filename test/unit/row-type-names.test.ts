import { expect, test } from 'vitest';
import { rowTypeNames, singularName } from '../../src/model/names.js';

const names = (tables: string[], taken: string[] = []) => Object.fromEntries(rowTypeNames(tables, new Set(taken)));

test('row types are singular, with the last word of a snake_case name singularized', () => {
  expect(names(['profiles', 'application_events', 'categories', 'people', 'news', 'addresses'])).toEqual({
    profiles: 'Profile',
    application_events: 'ApplicationEvent',
    categories: 'Category',
    people: 'Person',
    news: 'News',
    addresses: 'Address',
  });
  expect(singularName('order_items_')).toBe('order_item_');
});

test('a name pluralize cannot singularize to a word keeps its own spelling', () => {
  expect(singularName('s')).toBe('s');
  expect(names(['s', 'v2'])).toEqual({ s: 'S', v2: 'V2' });
});

test('two tables whose singulars collide both keep their plural names', () => {
  expect(names(['user', 'users'])).toEqual({ user: 'User', users: 'Users' });
  expect(names(['status', 'statuses', 'accounts'])).toEqual({
    status: 'Status',
    statuses: 'Statuses',
    accounts: 'Account',
  });
});

test('a singular whose New… form is another table’s type name keeps the plural', () => {
  expect(names(['profiles', 'new_profiles'])).toEqual({ profiles: 'Profiles', new_profiles: 'NewProfiles' });
});

test('a singular taken by another binding of the module (an enum value type) keeps the plural', () => {
  expect(names(['orders', 'items'], ['Order'])).toEqual({ orders: 'Orders', items: 'Item' });
  expect(names(['orders'], ['NewOrder'])).toEqual({ orders: 'Orders' });
});
