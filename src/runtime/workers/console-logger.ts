import type { Logger } from '../../app-deps.ts';

/** JSON lines through `console`, which Workers Logs and `wrangler tail` collect. */
export function createConsoleLogger(): Logger {
  const write = (level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.log(line);
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}
