/**
 * Every history action the server writes has a Vietnamese label in the pages that show it: the
 * public tracking page (`ACTION_LABELS` of web/assets/pakn.js, for the steps the public view
 * shows) and the staff console (its `HISTORY_LABELS`, the public labels plus the staff-only ones).
 * The actions are read from the source of shared/ with the TypeScript parser, so a new action
 * without a label fails here instead of showing up as a raw `snake_case` word on a page.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../infra/aws/constructs/pakn-function.ts';

interface WrittenAction {
  action: string;
  /** Written with `public: true` (or through lifecycle's `entry`, public unless told otherwise). */
  isPublic: boolean;
  where: string;
}

/**
 * The helpers that build a history entry from an action name: lifecycle's
 * `entry(ctx, action, note?, isPublic = true)` and escalation's `systemEntry(ctx, action, note)`
 * (staff only). A new helper of that shape must be added here (checked below).
 */
const ENTRY_HELPERS: Record<string, (args: readonly ts.Expression[]) => boolean> = {
  entry: (args) => args[3]?.kind !== ts.SyntaxKind.FalseKeyword,
  systemEntry: () => false,
};

const sourceFiles = (dir: string): ts.SourceFile[] =>
  readdirSync(join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) =>
      ts.createSourceFile(join(dir, f), readFileSync(join(PROJECT_ROOT, dir, f), 'utf8'), ts.ScriptTarget.Latest, true),
    );

/** String literals anywhere in an expression (`approve ? 'extension_approved' : 'extension_denied'`). */
function literals(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  const out: string[] = [];
  node.forEachChild((child) => {
    out.push(...literals(child));
  });
  return out;
}

const nameOf = (name: ts.PropertyName | ts.BindingName): string | undefined =>
  ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;

/** Every action written in shared/, and the functions that look like entry helpers. */
function scan(files: ts.SourceFile[]) {
  const written: WrittenAction[] = [];
  const helpers = new Set<string>();
  for (const file of files) {
    const where = (n: ts.Node) => `${file.fileName}:${file.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      // `{ ..., action: 'x', ..., public: true }`
      if (
        ts.isPropertyAssignment(node) &&
        nameOf(node.name) === 'action' &&
        ts.isObjectLiteralExpression(node.parent)
      ) {
        const isPublic = node.parent.properties.some(
          (p) =>
            ts.isPropertyAssignment(p) &&
            nameOf(p.name) === 'public' &&
            p.initializer.kind === ts.SyntaxKind.TrueKeyword,
        );
        for (const action of literals(node.initializer)) written.push({ action, isPublic, where: where(node) });
      }
      // `entry(ctx, 'x', note, false)`, `systemEntry(ctx, 'x', note)`
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const publicFor = ENTRY_HELPERS[node.expression.text];
        const arg = node.arguments[1];
        if (publicFor && arg) {
          for (const action of literals(arg)) {
            written.push({ action, isPublic: publicFor(node.arguments), where: where(node) });
          }
        }
      }
      // A function returning a HistoryEntry from a parameter named `action` is an entry helper.
      if (
        (ts.isArrowFunction(node) || ts.isFunctionDeclaration(node)) &&
        node.type?.getText() === 'HistoryEntry' &&
        node.parameters.some((p) => nameOf(p.name) === 'action')
      ) {
        const name = ts.isFunctionDeclaration(node)
          ? node.name?.text
          : ts.isVariableDeclaration(node.parent)
            ? nameOf(node.parent.name)
            : undefined;
        helpers.add(name ?? `<anonymous at ${where(node)}>`);
      }
      node.forEachChild(visit);
    };
    visit(file);
  }
  return { written, helpers };
}

/** Keys of an object literal assigned to `const <name>` in a browser script, and the maps it spreads. */
function objectKeys(path: string, name: string): { keys: string[]; spreads: string[] } {
  const file = ts.createSourceFile(
    path,
    readFileSync(join(PROJECT_ROOT, path), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.JS,
  );
  let found: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      nameOf(node.name) === name &&
      node.initializer &&
      ts.isObjectLiteralExpression(node.initializer)
    )
      found = node.initializer;
    node.forEachChild(visit);
  };
  visit(file);
  if (!found) throw new Error(`${path}: no object literal assigned to ${name}`);
  return {
    keys: found.properties.flatMap((p) =>
      ts.isPropertyAssignment(p) && nameOf(p.name) ? [nameOf(p.name) as string] : [],
    ),
    spreads: found.properties.flatMap((p) => (ts.isSpreadAssignment(p) ? [p.expression.getText()] : [])),
  };
}

let written: WrittenAction[];
let helpers: Set<string>;
let publicLabels: Record<string, string>;
let consoleKeys: Set<string>;

beforeAll(async () => {
  ({ written, helpers } = scan(sourceFiles('shared')));
  // A browser module: imported by URL (no types); it touches no DOM when loaded.
  const pakn = (await import(pathToFileURL(join(PROJECT_ROOT, 'web/assets/pakn.js')).href)) as {
    ACTION_LABELS: Record<string, string>;
  };
  publicLabels = pakn.ACTION_LABELS;
  // console.js runs against the page as it loads, so its map is read from the source instead.
  const history = objectKeys('web/assets/console.js', 'HISTORY_LABELS');
  expect(history.spreads).toEqual(['ACTION_LABELS']);
  consoleKeys = new Set([...Object.keys(publicLabels), ...history.keys]);
});

const missing = (actions: WrittenAction[], labelled: (a: string) => boolean) =>
  [...new Set(actions.filter((w) => !labelled(w.action)).map((w) => `${w.action} (${w.where})`))].sort();

describe('history action labels', () => {
  it('finds the actions shared/ writes, through every entry helper (the check below is not vacuous)', () => {
    expect([...helpers].sort()).toEqual(Object.keys(ENTRY_HELPERS).sort());
    const actions = new Set(written.map((w) => w.action));
    for (const a of ['received', 'resolved', 'duplicate_linked', 'escalated', 'chased', 'rated', 'reopened']) {
      expect(actions, a).toContain(a);
    }
    for (const a of ['mail_failed', 'attachments_deleted', 'vpcp_push_failed', 'out_of_scope_flagged']) {
      expect(actions, a).toContain(a);
    }
    const publicOnes = new Set(written.filter((w) => w.isPublic).map((w) => w.action));
    for (const a of ['received', 'forwarded', 'resolved', 'reassigned', 'rated', 'repeat_escalated']) {
      expect(publicOnes, a).toContain(a);
    }
    expect(publicOnes).not.toContain('duplicate_linked');
    expect(publicOnes).not.toContain('mail_sent');
  });

  it('labels every action the public view can show on the tracking page', () => {
    expect(
      missing(
        written.filter((w) => w.isPublic),
        (a) => Object.hasOwn(publicLabels, a),
      ),
    ).toEqual([]);
  });

  it('labels every action in the staff console', () => {
    expect(missing(written, (a) => consoleKeys.has(a))).toEqual([]);
  });

  it('labels in Vietnamese', () => {
    for (const [action, label] of Object.entries(publicLabels)) expect(label, action).toMatch(/[à-ỹđĐ]/);
  });
});
