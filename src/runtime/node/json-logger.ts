import type { Logger } from '../../app-deps.ts';

/** JSON lines on stderr (stdout is kept for the start-up table and CLI output). */
export function createJsonLogger(minimum: 'info' | 'warn' | 'error' = 'info'): Logger {
  const levels = { info: 0, warn: 1, error: 2 } as const;
  const write = (level: keyof typeof levels, event: string, fields?: Record<string, unknown>) => {
    if (levels[level] < levels[minimum]) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}
