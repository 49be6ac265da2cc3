import type { NextFunction, Request, Response } from 'express';
import { readCookie } from '../http/auth.guard';
import type { BulkheadRequest } from '../http/request-context';
import { QUEUE_BOARD_PATH } from './queues.module';

/**
 * bull-board's page cannot be told to send our X-CSRF-Token header, but its HTTP client (axios) sends
 * the value of an `XSRF-TOKEN` cookie as `X-XSRF-TOKEN` on same-origin requests. So an admin session
 * that opens the board gets its session's CSRF token in that cookie (readable by the page, as /auth/me's
 * answer is to the dashboard; only sent to the board's path), and the board's X-XSRF-TOKEN stands for
 * X-CSRF-Token. The session check is unchanged: the value must be the session's own token, and
 * another site can neither read the cookie nor send the header.
 */
const XSRF_COOKIE = 'XSRF-TOKEN';

/** Before the caller is identified: the board's header counts as the CSRF header. */
export function acceptBoardCsrfHeader(req: Request, _res: Response, next: NextFunction): void {
  const sent = req.headers['x-xsrf-token'];
  if (req.headers['x-csrf-token'] === undefined && typeof sent === 'string') req.headers['x-csrf-token'] = sent;
  next();
}

/** Once the caller is let in: a signed-in user gets the session's CSRF token in the board's cookie. */
export function offerBoardCsrfCookie(request: Request, res: Response, next: NextFunction): void {
  const req = request as BulkheadRequest;
  const csrfToken = req.caller?.csrfToken;
  if (csrfToken && readCookie(req, XSRF_COOKIE) !== csrfToken) {
    res.append(
      'Set-Cookie',
      [
        `${XSRF_COOKIE}=${encodeURIComponent(csrfToken)}`,
        `Path=${QUEUE_BOARD_PATH}`,
        'SameSite=Strict',
        ...(req.secure ? ['Secure'] : []),
      ].join('; '),
    );
  }
  next();
}
