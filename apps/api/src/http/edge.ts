import type { Config } from '@bulkhead/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet, { strictTransportSecurity } from 'helmet';
import type { Server } from 'node:http';

/**
 * The Content-Security-Policy of the dashboard (vite's build: one module script and one stylesheet
 * from /assets, a data: favicon, fetch and EventSource to the same origin) and of every API answer.
 */
const DASHBOARD_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Swagger UI's page carries inline <style> blocks and style attributes: its route alone allows them. */
const API_DOCS_POLICY = { ...DASHBOARD_POLICY, 'style-src': ["'self'", "'unsafe-inline'"] };
const API_DOCS_PATH = /^\/api\/docs(\/|$)/;

const securityHeaders = (directives: Record<string, string[]>) =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });

/**
 * What every connection meets before any route: who the client is behind a trusted proxy, the
 * timeouts for headers, the security headers, and no body read for a caller who is not let in.
 */
export function guardEdge(app: NestExpressApplication, http: Config['http']): void {
  // req.ip and req.secure (the session cookie's Secure flag, HSTS) believe X-Forwarded-* only from these peers.
  app.set('trust proxy', http.trustProxy);
  app.disable('x-powered-by');

  const server = app.getHttpServer() as Server & { connectionsCheckingInterval: number };
  server.headersTimeout = http.timeouts.headersMs;
  // Node checks the headers timeout this often (every 30 s by default), once listening.
  server.connectionsCheckingInterval = Math.min(1000, http.timeouts.headersMs);
  // Bodies have their own timeouts (body.ts): a whole body read into memory, and a pause in any body.
  // Node's limit on the whole request would also cut off a large flow upload that keeps moving.
  server.requestTimeout = 0;
  // `Expect: 100-continue` is answered once the caller is let in (incomingBody): a refused client sends no body at all.
  server.on('checkContinue', (req, res) => server.emit('request', req, res));

  app.use(closeWhenUnread);
  const forDashboard = securityHeaders(DASHBOARD_POLICY);
  const forApiDocs = securityHeaders(API_DOCS_POLICY);
  app.use((req: Request, res: Response, next: NextFunction) => (API_DOCS_PATH.test(req.path) ? forApiDocs : forDashboard)(req, res, next));
  const hsts = strictTransportSecurity({ maxAge: 365 * 24 * 60 * 60 });
  app.use((req: Request, res: Response, next: NextFunction) => (req.secure ? hsts(req, res, next) : next()));
}

/**
 * An answer given before the request's body has arrived in full (a refusal, a 413, a 408) closes the
 * connection. Node would otherwise read the rest of the body to reuse the connection, for as long as
 * the client cares to send it.
 */
function closeWhenUnread(req: Request, res: Response, next: NextFunction): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
    if (!req.complete) this.setHeader('Connection', 'close');
    return writeHead.apply(this, args);
  } as Response['writeHead'];
  next();
}
