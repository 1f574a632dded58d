import type { FastifyServerOptions } from 'fastify';

// Secrets never reach the log: credentials are redacted and URLs that carry a secret token
// (personal feeds, the verify and unsubscribe links of emails) are logged with the token replaced.

export function redactUrl(url: string): string {
  return url.replace(/(\/feeds\/personal\/|\/email\/(?:verify|unsubscribe)\/)[^/?#.]+/g, '$1[redacted]').replace(/([?&](?:token|code|state)=)[^&#]*/gi, '$1[redacted]');
}

export function loggerOptions(level: string): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method: string; url: string; headers: Record<string, unknown> }) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          userAgent: request.headers['user-agent'],
        };
      },
    },
  };
}
