import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mermaid from 'mermaid';
import { describe, expect, test } from 'vitest';
import { loadModel } from '../src/model/load-model.js';
import { attributeType, attributeWord, platformDiagram, serviceDiagram } from '../src/render/diagram.js';
import { listFiles } from '../src/write/output-tree.js';
import { cli } from './support/cli.js';
import { FIXTURES, fixtureCases } from './support/fixtures.js';

const ROOT = join(FIXTURES, '..', '..');

/** The diagram inside an ERD.md's mermaid fence. */
function fenced(markdown: string): string {
  const match = /^```mermaid\n([\s\S]*?)```$/m.exec(markdown);
  if (!match) throw new Error('no mermaid fence');
  return match[1]!;
}

const erdFiles = (dir: string) =>
  listFiles(dir)
    .filter((p) => p.endsWith('ERD.md'))
    .map((p) => join(dir, p));
const OUTPUT_DIRS = [join(ROOT, 'generated'), ...fixtureCases('golden').map((f) => join(FIXTURES, f, 'expected'))];
const ALL_ERDS = OUTPUT_DIRS.flatMap(erdFiles);

describe("mermaid's own parser", () => {
  test('finds ERD.md files: the platform one and one per service, in generated/ and in every golden fixture', () => {
    expect(
      erdFiles(join(ROOT, 'generated'))
        .map((p) => p.slice(ROOT.length + 1))
        .sort(),
    ).toEqual([
      'generated/ERD.md',
      'generated/application/ERD.md',
      'generated/auth/ERD.md',
      'generated/institution/ERD.md',
      'generated/internship/ERD.md',
      'generated/notification/ERD.md',
      'generated/user/ERD.md',
    ]);
    expect(ALL_ERDS.length).toBeGreaterThan(fixtureCases('golden').length * 2);
  });

  test.each(ALL_ERDS.map((p) => [p.slice(ROOT.length + 1), p]))('parses %s as an erDiagram', async (_name, path) => {
    await expect(mermaid.parse(fenced(readFileSync(path, 'utf8')))).resolves.toMatchObject({ diagramType: 'er' });
  });

  test('parses diagrams whose names are Mermaid keywords (style, end, one) or key markers (pk, fk)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemagen-diagram-'));
    const manifest = [
      'version: 1',
      'services:',
      '  style:',
      '    enums: { uk: [a, b] }',
      '    tables:',
      '      end: { columns: { pk: { type: uk }, fk: { type: uuid, unique: true, references: { table: one } } } }',
      '      one: { columns: { class: { type: "varchar(10)[]" } } }',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'schema.yaml'), manifest);
    const keywords = loadModel(join(dir, 'schema.yaml'));
    const style = keywords.services[0]!;
    expect(serviceDiagram(style)).toContain('    uk_ pk_\n    uuid fk_ FK, UK\n');
    for (const text of [serviceDiagram(style), platformDiagram(keywords)]) {
      await expect(mermaid.parse(text), text).resolves.toMatchObject({ diagramType: 'er' });
    }
  });

  test('rejects a broken diagram, so the checks above can fail', async () => {
    // a type with spaces (why attributeType joins modifiers with _) and markers without their comma
    const spaced = 'erDiagram\n  a {\n    timestamp with time zone x\n  }\n';
    await expect(mermaid.parse(spaced)).rejects.toThrow(/Parse error/);
    await expect(mermaid.parse('erDiagram\n  a {\n    uuid id PK FK\n  }\n')).rejects.toThrow(/Parse error/);
  });
});

describe('the diagram text', () => {
  const model = loadModel(join(FIXTURES, 'foreign-keys', 'schema.yaml'));
  const projects = model.services.find((s) => s.name === 'projects')!;

  test('attribute types are one word: modifiers joined by _, enums by name, [] per array dimension', () => {
    const type = (over: object) => ({ dims: 0, sql: '', ...over }) as Parameters<typeof attributeType>[0];
    expect(attributeType(type({ kind: 'varchar', length: 320 }))).toBe('varchar_320');
    expect(attributeType(type({ kind: 'numeric', precision: 12, scale: 4 }))).toBe('numeric_12_4');
    expect(attributeType(type({ kind: 'numeric' }))).toBe('numeric');
    expect(attributeType(type({ kind: 'enum', enumName: 'mood', dims: 2 }))).toBe('mood[][]');
    // Mermaid would read these as key markers
    expect(attributeType(type({ kind: 'enum', enumName: 'pk' }))).toBe('pk_');
    expect(attributeWord('fk')).toBe('fk_');
    expect(attributeWord('fk_id')).toBe('fk_id');
  });

  test('a service diagram has every column and its own foreign keys; cardinality from nullability, uniqueness', () => {
    const text = serviceDiagram(projects);
    expect(text.split('\n')[0]).toBe('erDiagram');
    expect(text).toContain('    uuid owner_id FK\n');
    expect(text).toContain('    uuid task_id FK, UK\n');
    expect(text).toContain('  "projects" ||..o{ "tasks" : "project_id"');
    expect(text).toContain('  "tasks" |o..o{ "tasks" : "parent_id"');
    expect(text).toContain('  "tasks" ||..o| "task_codes" : "task_id"');
    // owner_id points into the people service: only the platform diagram draws that line
    expect(text).not.toContain('persons');
  });

  test('the platform diagram qualifies names, keeps key columns only and draws cross-service keys', () => {
    const text = platformDiagram(model);
    expect(text).toContain('  "people.persons" ||..o{ "projects.projects" : "owner_id"');
    const keysOnly = '  "projects.projects" {\n    uuid id PK\n    uuid owner_id FK\n    uuid lead_task_id FK\n  }';
    expect(text).toContain(keysOnly);
    expect(platformDiagram(model)).toBe(text);
  });
});

describe('schemagen diagram', () => {
  test('prints the platform diagram that generated/ERD.md holds', async () => {
    const result = await cli(['diagram'], { cwd: ROOT });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(fenced(readFileSync(join(ROOT, 'generated', 'ERD.md'), 'utf8')));
  });

  test("docs/generated-code.md shows the platform's diagram as generated/ERD.md holds it", () => {
    const diagram = fenced(readFileSync(join(ROOT, 'generated', 'ERD.md'), 'utf8'));
    const shown = `The platform's diagram (\`generated/ERD.md\`):\n\n\`\`\`mermaid\n${diagram}\`\`\`\n`;
    expect(readFileSync(join(ROOT, 'docs', 'generated-code.md'), 'utf8')).toContain(shown);
  });

  test('--service prints that service diagram; an unknown service is a usage error', async () => {
    const auth = await cli(['diagram', '--service', 'auth'], { cwd: ROOT });
    expect(auth.code).toBe(0);
    expect(auth.stdout).toBe(fenced(readFileSync(join(ROOT, 'generated', 'auth', 'ERD.md'), 'utf8')));
    const unknown = await cli(['diagram', '--service', 'billing'], { cwd: ROOT });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown service "billing"; expected one of: auth, user/);
  });
});
