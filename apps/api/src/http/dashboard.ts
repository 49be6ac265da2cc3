import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder holding Bulkhead's package.json, found from this file (source or compiled): the workspace
 * in a checkout, /app in the container image (which holds package.json and dist/, not nx.json).
 */
function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const API_PATHS = /^\/(api|healthz|readyz|metrics)(\/|$)/;

/**
 * Serves the built dashboard (dist/apps/dashboard) at `/`: files as they are, and index.html for
 * any other page address so that the single-page app can route it. API paths are never shadowed.
 */
export function serveDashboard(app: INestApplication, dir = join(workspaceRoot(), 'dist', 'apps', 'dashboard')): boolean {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  // Asset names carry a content hash: cache them for good; the page itself is always revalidated.
  const files = express.static(dir, {
    index: false,
    setHeaders: (res, path) => res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
  // API requests go straight on, without looking for a file of their name on disk first.
  app.use((req: Request, res: Response, next: NextFunction) => (API_PATHS.test(req.path) ? next() : files(req, res, next)));
  app.use((req: Request, res: Response, next: NextFunction) => {
    // A missing file (an old asset) is a 404, not the page: only page addresses fall back to index.html.
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      API_PATHS.test(req.path) ||
      /\.[a-z0-9]+$/i.test(req.path) ||
      !req.accepts('html')
    )
      return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
