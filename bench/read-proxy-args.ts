import { parseArgs } from 'node:util';

/**
 * The arguments every bench proxy takes: `--upstream http://127.0.0.1:PORT` (required; loopback only, the bench never
 * leaves the machine) and `--port` (default 0: any free port).
 */
export function readProxyArgs(proxyName: string): { upstream: URL; port: number } {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } } });
  if (!values.upstream) throw new Error('--upstream http://127.0.0.1:PORT is required');
  const upstream = new URL(values.upstream);
  if (upstream.hostname !== '127.0.0.1') throw new Error(`the ${proxyName} only targets 127.0.0.1`);
  return { upstream, port: Number(values.port) };
}
