/**
 * What every benchmark shares: statistics, the machine's description, child processes on loopback
 * and temporary directories. Benchmarks compare against a floor measured in the same run, so these
 * helpers never judge a figure; they only collect it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

/** Every child gets this: the SDK's Node 20 notice would otherwise fill the output of each process. */
export const QUIET_SDK = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100); 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank - 1, 0), sorted.length - 1)] as number;
}

export const round = (n: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** A one-line description of where the figures were measured: they mean nothing without it. */
export function machine(): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const memGb = round(os.totalmem() / 1024 ** 3, 1);
  // Shared machines run other work: the load at the start says how far to trust absolute figures.
  const load = round(os.loadavg()[0] ?? 0, 1);
  return `${cpus.length} × ${model}, ${memGb} GB RAM, ${os.type()} ${os.release()} ${os.arch()}, Node ${process.version}, load average ${load}`;
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(os.tmpdir(), `pakn-bench-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface Child {
  child: ChildProcess;
  /** The JSON the child printed on its `READY ` line. */
  ready: Record<string, unknown>;
  /** Everything the child wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Run a TypeScript file under tsx and wait for its `READY {json}` line (the servers print their
 * address that way). A child that exits or stays silent past the timeout is an error, not a hang.
 */
export async function startChild(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...QUIET_SDK, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const ready = await new Promise<Record<string, unknown>>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${script} not ready after ${timeoutMs} ms: ${log.slice(-800)}`)),
      timeoutMs,
    );
    const onData = (d: Buffer) => {
      log += d;
      const line = /^READY (.*)$/m.exec(log);
      if (line) {
        clearTimeout(timer);
        ok(JSON.parse(line[1] as string) as Record<string, unknown>);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => {
      log += d;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${script} exited with ${code}: ${log.slice(-800)}`));
    });
  });
  return {
    child,
    ready,
    output: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Run a TypeScript file under tsx to completion and parse the JSON it prints last. */
export async function runChild<T>(script: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...QUIET_SDK, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d;
  });
  const code = await new Promise<number | null>((ok) => child.once('exit', ok));
  const last = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}: ${err.slice(-800)}`);
  return JSON.parse(last) as T;
}

/** Progress for the person running the benchmark; the table at the end is the result. */
export function note(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
