import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Io {
  json: boolean;
  /** A line for people (suppressed with --json). */
  say(text: string): void;
  /** The one JSON document of a --json run. */
  emit(value: unknown): void;
  /** Progress and warnings, on stderr. */
  warn(text: string): void;
  /** stdin as text (passwords). */
  readStdin(): Promise<string>;
}

export interface Command {
  /** Words after `vaern`, e.g. "org create". */
  name: string;
  summary: string;
  /** Usage after the command name, e.g. "--slug <slug> --name <name> --kind <kind>". */
  usage: string;
  /** Longer help: each option, one line each. */
  help?: string[];
  options: OptionSpec;
  /** Number of positional arguments accepted [min, max]. */
  positionals?: [number, number];
  run(args: {
    values: Record<string, string | boolean | string[] | undefined>;
    positionals: string[];
    io: Io;
  }): Promise<number>;
}

/** A required string option; missing is a usage error (exit 2). */
export function requireString(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export const optionalString = (values: Record<string, unknown>, name: string): string | undefined => {
  const v = values[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};
