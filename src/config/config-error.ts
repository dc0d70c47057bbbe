/** A config problem, said as the field, the problem and the fix. */
export class ConfigError extends Error {
  readonly field: string;
  readonly problem: string;
  readonly fix: string;

  constructor(field: string, problem: string, fix: string) {
    super(`config: ${field}: ${problem}. Fix: ${fix}.`);
    this.name = 'ConfigError';
    this.field = field;
    this.problem = problem;
    this.fix = fix;
  }
}
