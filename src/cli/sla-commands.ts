/**
 * The SLA contract commands of `meridian` (docs/sla-contract.md): `sla due` and `sla elapsed` read one JSON
 * body on stdin and print the JSON answer on stdout. They open no database. A bad body (not JSON, or a field
 * that fails the contract) prints the error and the field on stderr and exits 2 (rejected input, as every other command).
 */
import type { Command } from 'commander';
import { dueFromContract, elapsedFromContract } from '../modules/sla/sla-contract.ts';
import { AppError } from '../server/errors.ts';
import { print } from './cli-helpers.ts';

/** All of stdin as text. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON body on stdin, answers with `fn`, prints; on an error writes it on stderr and sets exit code 2. */
async function answer(fn: (body: unknown) => unknown): Promise<void> {
  try {
    const text = await readStdin();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new AppError('VALIDATION_FAILED', `stdin is not a JSON body: ${(e as Error).message}`, {
        issues: [{ field: 'body', message: 'not valid JSON' }],
      });
    }
    print(fn(body));
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    process.stderr.write(`error [${e.code}]: ${e.message}\n`);
    for (const i of e.issues.slice(0, 50)) process.stderr.write(`  ${i.field ? `${i.field}: ` : ''}${i.message}\n`);
    process.exitCode = 2;
  }
}

/** Registers `sla due` and `sla elapsed`. */
export function registerSlaCommands(program: Command): void {
  const sla = program.command('sla').description('SLA clocks: the contract for checks (JSON on stdin, JSON on stdout)');
  sla
    .command('due')
    .description(
      'due instant: stdin {"calendar": {...}, "start": ISO instant, "target": "PT2H"|"P1D", "pauses"?: [{from,to}]} -> {"due": UTC instant}',
    )
    .action(async () => answer(dueFromContract));
  sla
    .command('elapsed')
    .description(
      'business minutes: stdin {"calendar": {...}, "from": ISO, "to": ISO, "pauses"?: [{from,to}]} -> {"businessMinutes": n}',
    )
    .action(async () => answer(elapsedFromContract));
}
