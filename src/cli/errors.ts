/** Wrong command line: exit code 2 with the usage. */
export class UsageError extends Error {}
/** The command ran and failed: exit code 1 with the message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
