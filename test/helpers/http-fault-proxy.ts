import http from 'node:http';

// An HTTP proxy in front of a real server (a CalDAV server) that can lose answers: the request
// reaches the server and takes effect, but the client never hears back (the connection drops),
// as when a timeout hits after the server did the work. It can also answer 503 itself.

export interface HttpFaultProxy {
  url: string;
  /** The next `count` requests with this method reach the server, but their answers are lost. */
  loseAnswers(method: string, count?: number): void;
  /** The next `count` requests get a 503 without reaching the server. */
  refuse(count?: number): void;
  /** Requests by method that reached the server. */
  forwarded: string[];
  close(): Promise<void>;
}

export async function startHttpFaultProxy(target: string): Promise<HttpFaultProxy> {
  const upstream = new URL(target);
  const lose = new Map<string, number>();
  let refusals = 0;
  const forwarded: string[] = [];
  const server = http.createServer((req, res) => {
    if (refusals > 0) {
      refusals--;
      res.writeHead(503, { 'retry-after': '1' }).end();
      return;
    }
    const method = req.method ?? 'GET';
    const losing = (lose.get(method) ?? 0) > 0;
    if (losing) lose.set(method, lose.get(method)! - 1);
    forwarded.push(method);
    const out = http.request({ host: upstream.hostname, port: upstream.port, method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      if (losing) {
        answer.resume();
        answer.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    loseAnswers: (method, count = 1) => void lose.set(method, (lose.get(method) ?? 0) + count),
    refuse: (count = 1) => void (refusals += count),
    forwarded,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
