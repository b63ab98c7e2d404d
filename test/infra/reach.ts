/**
 * What a handler's code can reach, read from the sources (no type checker): the tests use it to
 * prove that every function whose code can send mail or call VPCP holds the permission for it.
 *
 * Two granularities. {@link moduleReaches} follows relative imports and says yes as soon as any
 * reachable module matches: never misses, but a module that mixes flows (an upload slot beside the
 * intake that binds files) drags every importer in. {@link nameReaches} follows the imported names
 * instead: a handler reaches what the functions, classes and constants it uses reach. When it cannot
 * find a name's declaration (a re-export, a namespace import) it falls back to the whole module, so
 * it errs towards "yes".
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../infra/aws/constructs/pakn-function.ts';

const handlerFile = (fn: string): string => join(PROJECT_ROOT, 'functions', fn, 'handler.ts');

interface Module {
  src: string;
  /** Local name → the module and exported name it comes from; `*` for a namespace import. */
  imports: Map<string, { file: string; name: string }>;
  /** Top-level declarations: name → its text. */
  declarations: Map<string, string>;
}

const modules = new Map<string, Module | undefined>();

function load(file: string): Module | undefined {
  if (modules.has(file)) return modules.get(file);
  let mod: Module | undefined;
  if (existsSync(file)) {
    const src = readFileSync(file, 'utf8');
    const imports = new Map<string, { file: string; name: string }>();
    for (const m of src.matchAll(/^import\s+(type\s+)?([^'";]*?)\s+from\s+'(\.[^']+\.ts)'/gm)) {
      if (m[1]) continue;
      const target = resolve(dirname(file), m[3] ?? '');
      const clause = m[2] ?? '';
      const namespace = /\*\s+as\s+(\w+)/.exec(clause)?.[1];
      if (namespace) imports.set(namespace, { file: target, name: '*' });
      for (const part of /\{([^}]*)\}/.exec(clause)?.[1]?.split(',') ?? []) {
        const spec = part.trim();
        if (!spec || spec.startsWith('type ')) continue;
        const [name = '', local = name] = spec.split(/\s+as\s+/);
        imports.set(local.trim(), { file: target, name: name.trim() });
      }
    }
    // Biome formats a top-level declaration to start at column 0 and its block to close at column 0.
    const declarations = new Map<string, string>();
    const starts = [
      ...src.matchAll(/^(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?|class|const|let)\s+(\w+)/gm),
    ];
    for (const [i, m] of starts.entries()) {
      const end = starts[i + 1]?.index ?? src.length;
      declarations.set(m[1] ?? '', src.slice(m.index, end));
    }
    mod = { src, imports, declarations };
  }
  modules.set(file, mod);
  return mod;
}

/** Whether `file` or any module it imports, transitively, matches `pattern`. */
export function moduleReaches(file: string, pattern: RegExp, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  const mod = load(file);
  if (!mod) return false;
  if (pattern.test(mod.src)) return true;
  return [...new Set([...mod.imports.values()].map((i) => i.file))].some((f) => moduleReaches(f, pattern, seen));
}

function textReaches(file: string, text: string, pattern: RegExp, seen: Set<string>, self?: string): boolean {
  if (pattern.test(text)) return true;
  const mod = load(file);
  if (!mod) return false;
  const used = (name: string) => new RegExp(`(?<![\\w.$])${name.replace(/\$/g, '\\$')}\\b`).test(text);
  for (const [local, from] of mod.imports) {
    if (used(local) && declarationReaches(from.file, from.name, pattern, seen)) return true;
  }
  for (const name of mod.declarations.keys()) {
    if (name !== self && used(name) && declarationReaches(file, name, pattern, seen)) return true;
  }
  return false;
}

function declarationReaches(file: string, name: string, pattern: RegExp, seen: Set<string>): boolean {
  const key = `${file}#${name}`;
  if (seen.has(key)) return false;
  seen.add(key);
  const text = name === '*' ? undefined : load(file)?.declarations.get(name);
  if (text === undefined) return moduleReaches(file, pattern);
  return textReaches(file, text, pattern, seen, name);
}

/** Whether what `functions/<fn>/handler.ts` uses, followed by name, reaches code matching `pattern`. */
export function nameReaches(fn: string, pattern: RegExp): boolean {
  const file = handlerFile(fn);
  const mod = load(file);
  return mod ? textReaches(file, mod.src, pattern, new Set()) : false;
}

/** {@link moduleReaches} from `functions/<fn>/handler.ts`. */
export const handlerModuleReaches = (fn: string, pattern: RegExp): boolean => moduleReaches(handlerFile(fn), pattern);
