import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where `.ci/run` installs the `openai` Python package (a virtual environment under the ignored test-artifacts/). */
export const pythonVenv = resolve(import.meta.dirname, '../../test-artifacts/python-venv');

/**
 * A Python interpreter that can `import openai`, for the Python example's test: `SWITCHBOARD_PYTHON` when set, else
 * the virtual environment `.ci/run` makes, else `python3` on the PATH. Without one, the reason to say when skipping.
 */
export function findPythonWithOpenAI(): { python: string } | { reason: string } {
  const candidates = [process.env.SWITCHBOARD_PYTHON, resolve(pythonVenv, 'bin/python'), 'python3'].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== '',
  );
  for (const python of candidates) {
    if (python.includes('/') && !existsSync(python)) continue;
    try {
      execFileSync(python, ['-c', 'import openai'], { stdio: 'ignore', timeout: 10_000 });
      return { python };
    } catch {
      // Not installed there, or no such interpreter: try the next.
    }
  }
  return {
    reason: `no Python with the openai package (bash .ci/run installs one into ${pythonVenv}; or set SWITCHBOARD_PYTHON)`,
  };
}
