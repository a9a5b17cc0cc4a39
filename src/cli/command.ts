import type { ArgsDef, ParsedArgs } from 'citty';
import type { CliIo } from './io.js';

/** A CLI command: citty describes and parses its arguments; `handler` returns the exit code. */
export interface Command<A extends ArgsDef = ArgsDef> {
  readonly name: string;
  readonly description: string;
  readonly args: A;
  readonly handler: (args: ParsedArgs<A>, io: CliIo) => Promise<number> | number;
}

export const defineCli = <A extends ArgsDef>(c: Command<A>): Command => c as unknown as Command;
