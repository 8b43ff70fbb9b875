/** A trace file that cannot be read, with what is wrong and where. */
export class TraceError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'TraceError';
  }
}
