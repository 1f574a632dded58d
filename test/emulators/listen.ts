import type http from 'node:http';

/** Listens on 127.0.0.1 (port 0: any free port) and returns the origin and a closer that drops open connections. */
export async function listenLocal(server: http.Server, port = 0): Promise<{ origin: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  return {
    origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
