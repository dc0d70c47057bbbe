/**
 * Whether a model id matches a glob pattern: `*` stands for any run of characters (slashes included, so
 * `openai/*` and `gpt-4o*` both work), `?` for one character; everything else is literal and case-sensitive.
 */
export function matchesModelPattern(model: string, pattern: string): boolean {
  let expression = '^';
  for (const character of pattern) {
    if (character === '*') expression += '.*';
    else if (character === '?') expression += '.';
    else expression += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${expression}$`).test(model);
}

/** Whether any pattern matches; an empty or absent list matches nothing. */
export function matchesAnyModelPattern(model: string, patterns: readonly string[] | undefined): boolean {
  return (patterns ?? []).some((pattern) => matchesModelPattern(model, pattern));
}
