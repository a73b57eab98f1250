/**
 * The house's rules, read from the code itself: loaders never import one another; nothing
 * imports in a cycle at run time; the layout engine holds no budget word (the vocabulary
 * lives in src/vocab.ts and reaches it as predicates).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const SRC = path.join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const ALL = [...files(SRC), ...files(path.join(ROOT, 'pipelines'))];

/** Relative imports of a file as absolute .ts paths: all of them, or those that exist at run time (no `import type`). */
function imports(file: string, runtimeOnly: boolean): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  const at = (spec: string) => path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
  for (const m of src.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gms)) if (!(runtimeOnly && m[2])) out.push(at(m[3]!));
  for (const m of src.matchAll(/import\('(\.[^']+)'\)/g)) out.push(at(m[1]!));
  return out;
}

/** A file's code without its comments: what its rules actually use. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('the house', () => {
  it('no loader imports another loader', () => {
    const loaders = path.join(SRC, 'loaders');
    // A loader is a folder under src/loaders/, or a file there that exports a load function.
    const unitOf = (f: string) => path.relative(loaders, f).split(path.sep)[0]!;
    const isLoader = (unit: string) => {
      const p = path.join(loaders, unit);
      return statSync(p).isDirectory() || /export (async )?function (load|read)[A-Z]/.test(readFileSync(p, 'utf8'));
    };
    const crossings: string[] = [];
    for (const f of ALL.filter((x) => x.startsWith(loaders + path.sep))) {
      for (const to of imports(f, false)) {
        if (!to.startsWith(loaders + path.sep)) continue;
        const [a, b] = [unitOf(f), unitOf(to)];
        if (a !== b && isLoader(a) && isLoader(b)) crossings.push(`${path.relative(ROOT, f)} → ${path.relative(ROOT, to)}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('no module imports itself back at run time (no cycle)', () => {
    const graph = new Map(ALL.map((f) => [f, imports(f, true).filter((t) => ALL.includes(t))]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push(stack.slice(stack.indexOf(f)).concat(f).map((x) => path.relative(ROOT, x)).join(' → '));
        return;
      }
      state.set(f, 'open');
      stack.push(f);
      for (const t of graph.get(f) ?? []) visit(t);
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of ALL) visit(f);
    expect(cycles).toEqual([]);
  });

  it('the layout engine uses no budget word (the vocabulary reaches it as predicates)', () => {
    const engine = ALL.filter((f) => f.startsWith(path.join(SRC, 'layout') + path.sep));
    expect(engine.length).toBeGreaterThan(3);
    const worded = engine.filter((f) => /[\u4e00-\u9fff]/.test(code(f))).map((f) => path.relative(ROOT, f));
    expect(worded).toEqual([]);
  });
});
