import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How the fake hub answers for one file. */
export type Behaviour =
  | { kind: 'serve'; body: Uint8Array; chunks?: number; chunkDelayMs?: number; contentLength?: boolean }
  /** announces the full length, sends `sendBytes`, then drops the connection */
  | { kind: 'truncate'; body: Uint8Array; sendBytes: number }
  /** sends the headers and a few bytes, then nothing */
  | { kind: 'stall'; body: Uint8Array }
  | { kind: 'status'; status: number };

export interface FakeHub {
  /** use as HF_ENDPOINT */
  url: string;
  /** request paths in arrival order */
  requests: string[];
  /** `<repo>/resolve/<revision>/<path>` → behaviour */
  routes: Map<string, Behaviour>;
  close(): Promise<void>;
}

/** A local stand-in for huggingface.co: the same URL scheme, scripted failures, a request log. */
export async function startFakeHub(): Promise<FakeHub> {
  const requests: string[] = [];
  const routes = new Map<string, Behaviour>();
  const sockets = new Set<import('node:net').Socket>();

  const server = http.createServer((req, res) => {
    const route = decodeURIComponent((req.url ?? '/').slice(1));
    requests.push(route);
    const behaviour = routes.get(route) ?? { kind: 'status', status: 404 };
    answer(behaviour, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function answer(behaviour: Behaviour, res: http.ServerResponse): Promise<void> {
  switch (behaviour.kind) {
    case 'status':
      res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end('no such file');
      return;
    case 'serve': {
      const { body, chunks = 1, chunkDelayMs = 0, contentLength = true } = behaviour;
      res.writeHead(200, contentLength ? { 'content-length': String(body.length) } : {});
      const size = Math.ceil(body.length / chunks);
      for (let start = 0; start < body.length; start += size) {
        res.write(body.subarray(start, start + size));
        if (chunkDelayMs) await sleep(chunkDelayMs);
      }
      res.end();
      return;
    }
    case 'truncate':
      res.writeHead(200, { 'content-length': String(behaviour.body.length) });
      res.write(behaviour.body.subarray(0, behaviour.sendBytes));
      await sleep(20);
      res.socket?.destroy();
      return;
    case 'stall':
      res.writeHead(200, { 'content-length': String(behaviour.body.length) });
      res.write(behaviour.body.subarray(0, 10));
      return; // never ends; the client's idle timeout must fire
  }
}
