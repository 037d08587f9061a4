// Reads the repository's Dockerfile into stages and instructions, and stages the image's
// filesystem outside a container (tests run the image's entry points without a Docker engine).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { REPO_ROOT } from '../../shared/repo-root';

export interface Instruction {
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  /** The image or stage it starts from. */
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  readonly args: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
  stage(name: string): Stage;
  /** The stage and the stages it builds on, base first. */
  chain(name: string): Stage[];
}

export function parseDockerfile(
  text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'),
): Dockerfile {
  const instructions: Instruction[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    let row = rows[i] ?? '';
    if (/^\s*(#|$)/.test(row)) continue;
    const line = i + 1;
    while (row.endsWith('\\')) {
      row = row.slice(0, -1);
      // Comment lines inside a continued instruction are dropped, as BuildKit does.
      do i++;
      while (/^\s*#/.test(rows[i] ?? ''));
      row += ` ${(rows[i] ?? '').trim()}`;
    }
    const m = /^\s*(\w+)\s+(.*)$/.exec(row);
    if (!m) throw new Error(`Dockerfile:${line}: cannot read "${row}"`);
    instructions.push({
      keyword: (m[1] as string).toUpperCase(),
      args: (m[2] as string).trim(),
      line,
    });
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)\s+AS\s+(\S+)$/i.exec(ins.args);
      if (!m) throw new Error(`Dockerfile:${ins.line}: every stage is named (FROM … AS name)`);
      const from = (m[1] as string).replace(/\$\{(\w+)\}/g, (_, k: string) => args[k] ?? '');
      stages.push({ name: m[2] as string, from, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`Dockerfile:${ins.line}: only ARG before FROM`);
      const [k, v = ''] = ins.args.split('=');
      args[k as string] = v;
    } else {
      (stages[stages.length - 1]?.instructions as Instruction[]).push(ins);
    }
  }
  const stage = (name: string): Stage => {
    const s = stages.find((x) => x.name === name);
    if (!s) throw new Error(`Dockerfile has no stage "${name}"`);
    return s;
  };
  const chain = (name: string): Stage[] => {
    const s = stage(name);
    return stages.some((x) => x.name === s.from) ? [...chain(s.from), s] : [s];
  };
  return { args, stages, stage, chain };
}

/** `["a", "b"]` (exec form) as a list. */
export function execForm(args: string): string[] {
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`not an exec-form list: ${args}`);
  return parsed;
}

/** ENV instructions of a chain of stages: `K=V K2=V2` pairs, later ones winning. */
export function envOf(stages: readonly Stage[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of stages)
    for (const ins of s.instructions)
      if (ins.keyword === 'ENV')
        for (const m of ins.args.matchAll(/(\w+)=("[^"]*"|\S+)/g))
          env[m[1] as string] = (m[2] as string).replace(/^"(.*)"$/, '$1');
  return env;
}

export function last(stage: Stage, keyword: string): Instruction | undefined {
  return [...stage.instructions].reverse().find((i) => i.keyword === keyword);
}

export interface Copy {
  readonly from?: string;
  readonly sources: readonly string[];
  readonly dest: string;
}

export function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((w) => !w.startsWith('--'));
      return {
        ...(from ? { from } : {}),
        sources: paths.slice(0, -1),
        dest: paths[paths.length - 1] as string,
      };
    });
}

/**
 * The files of `target` as the image has them at its WORKDIR, laid out in a temp dir: each COPY
 * of the target's chain, with the build context being this repository, the `build` stage's
 * /app being this repository after `npm run build`, and the `prod-deps` stage's node_modules
 * this repository's (a superset: it holds the dev dependencies too). Returns the dir.
 */
export function stageImage(target: string, dockerfile = parseDockerfile()): string {
  const root = mkdtempSync(join(tmpdir(), `streamplane-image-${target}-`));
  const chain = dockerfile.chain(target);
  const workdir = chain
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === 'WORKDIR')
    .pop();
  if (!workdir) throw new Error(`${target} has no WORKDIR`);
  for (const s of chain) {
    for (const c of copies(s)) {
      const dest = join(root, posix.relative(workdir.args, posix.resolve(workdir.args, c.dest)));
      for (const source of c.sources) {
        if (c.from === 'prod-deps' && /(^|\/)node_modules\/?$/.test(source)) {
          mkdirSync(dirname(dest), { recursive: true });
          symlinkSync(join(REPO_ROOT, 'node_modules'), dest.replace(/\/$/, ''));
          continue;
        }
        let from: string;
        if (c.from === undefined) from = join(REPO_ROOT, source);
        else if (c.from === 'build') {
          const inStage = posix.relative('/app', source);
          if (inStage.startsWith('..'))
            throw new Error(`COPY --from=build ${source}: not under /app`);
          from = join(REPO_ROOT, inStage);
        } else throw new Error(`COPY --from=${c.from} ${source}: unknown to stageImage`);
        if (source.endsWith('/')) {
          // A directory's contents go into the destination directory.
          mkdirSync(dest, { recursive: true });
          cpSync(from, dest, { recursive: true });
        } else if (c.dest.endsWith('/')) {
          mkdirSync(dest, { recursive: true });
          cpSync(from, join(dest, posix.basename(source)), { recursive: true });
        } else {
          mkdirSync(dirname(dest), { recursive: true });
          cpSync(from, dest, { recursive: true });
        }
      }
    }
  }
  return root;
}
