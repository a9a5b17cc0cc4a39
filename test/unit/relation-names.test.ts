import { expect, test } from 'vitest';
import { forwardKey, needsRelationName, reverseKey } from '../../src/model/relation-names.js';

test('the one side is named after the key column', () => {
  expect(forwardKey('project_id')).toBe('project');
  expect(forwardKey('lead_project_id')).toBe('leadProject');
  expect(forwardKey('owner')).toBe('ownerRef');
});

test('the many side is the referencing table while one key joins the two tables, else named after the key', () => {
  expect(reverseKey('tasks', 'projects', 'project_id', false)).toBe('tasks');
  expect(reverseKey('tasks', 'projects', 'project_id', true)).toBe('tasksByProject');
  expect(reverseKey('tasks', 'projects', 'lead_project_id', true)).toBe('tasksByLeadProject');
  expect(reverseKey('categories', 'categories', 'parent_id', true)).toBe('children');
  expect(reverseKey('employees', 'employees', 'manager_id', true)).toBe('employeesByManager');
});

test('relationName only for a self-reference or several keys between the same two tables', () => {
  expect(needsRelationName('tasks', 'projects', 1)).toBe(false);
  expect(needsRelationName('tasks', 'projects', 2)).toBe(true);
  expect(needsRelationName('tasks', 'tasks', 1)).toBe(true);
});
