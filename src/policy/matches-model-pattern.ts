/**
 * Whether a model id matches a glob pattern: `*` stands for any run of characters (slashes included, so
 * `openai/*` and `gpt-4o*` both work), `?` for one character; everything else is literal and case-sensitive.
 */
export function matchesModelPattern(model: string, pattern: string): boolean {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    let expression = '^';
    for (const character of pattern) {
      if (character === '*') expression += '.*';
      else if (character === '?') expression += '.';
      else expression += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    compiled = new RegExp(`${expression}$`);
    // Patterns come from keys and config, checked on every request: compiled once (bounded, in case of many keys).
    if (compiledPatterns.size < 10_000) compiledPatterns.set(pattern, compiled);
  }
  return compiled.test(model);
}

const compiledPatterns = new Map<string, RegExp>();

/** Whether any pattern matches; an empty or absent list matches nothing. */
export function matchesAnyModelPattern(model: string, patterns: readonly string[] | undefined): boolean {
  return (patterns ?? []).some((pattern) => matchesModelPattern(model, pattern));
}
