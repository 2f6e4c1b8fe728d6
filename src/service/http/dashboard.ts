/**
 * The dashboard (web/, built into dist/web/ by `npm ci` / `npm run build`) served by `ferry serve`:
 *
 *   GET /assets/<name>-<hash>.<ext>   the built files; names change with their content, so they are
 *                                     cached for a year (`immutable`: browsers skip revalidation)
 *   GET <a dashboard page>            index.html (api/dashboard-paths.ts), `no-cache` so a new release
 *                                     is picked up at the next load; the router shows the page
 *
 * Every page answer carries a strict Content-Security-Policy: scripts, styles and connections only from
 * this origin, no inline script or style, no framing (clickjacking on the approve button), no <base>
 * and no form posting elsewhere — except the identity provider's origin when sign-in is configured:
 * the sign-out form posts to ferry, whose redirect leads on to the provider's end-session endpoint,
 * and browsers apply `form-action` to the redirects of a form submission too (CSP3 §6.4.1). React sets `style` through the CSSOM, which `style-src` does not
 * govern (CSP3 §6.1.3 covers style attributes in markup and setAttribute only).
 *
 * The app talks to the API of the same origin, so it needs no CORS. A root without index.html (the
 * dashboard was not built) serves nothing: `/` stays the JSON 404 it was, and the start-up log says why.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DASHBOARD_ASSETS_PREFIX, DASHBOARD_PATHS } from '../../api/dashboard-paths.ts';

/** The dashboard's Content-Security-Policy; `formTargets`: origins a form may lead to besides this one. */
export function dashboardCsp(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    ["form-action 'self'", ...formTargets].join(' '),
    "frame-ancestors 'none'",
  ].join('; ');
}

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

export interface DashboardOptions {
  /** The built app: index.html and assets/. */
  readonly root: string;
  /** Origins the sign-out form may lead to (the identity provider's). Default none. */
  readonly formTargets?: readonly string[] | undefined;
}

/** Route patterns the dashboard registers: exempt from the API contract check (they serve no JSON). */
const PAGE_ROUTES: ReadonlySet<string> = new Set(Object.values(DASHBOARD_PATHS));

export function isDashboardRoute(route: string | undefined): boolean {
  return route !== undefined && (PAGE_ROUTES.has(route) || route.startsWith(DASHBOARD_ASSETS_PREFIX));
}

function securityHeaders(reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
}

/**
 * A Fastify plugin (`app.register(dashboard, {root})`): the dashboard's routes. Registers nothing, and
 * says so in the log, when `root` holds no built app.
 */
export async function dashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  let index: Buffer;
  try {
    index = await readFile(join(options.root, 'index.html'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    app.log.warn(
      { root: options.root },
      'the dashboard is not built (no index.html): `/` is not served; run `npm run build`',
    );
    return;
  }
  const csp = dashboardCsp(options.formTargets);
  const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) => {
    securityHeaders(reply);
    reply.header('content-security-policy', csp);
    reply.header('x-frame-options', 'DENY');
    reply.header('cache-control', 'no-cache');
    return reply.type('text/html; charset=utf-8').send(index);
  };
  for (const path of PAGE_ROUTES) app.get(path, sendIndex);

  await app.register(fastifyStatic, {
    root: join(options.root, 'assets'),
    prefix: DASHBOARD_ASSETS_PREFIX,
    // index.html is served above; nothing under assets/ is a directory listing or a dotfile.
    index: false,
    list: false,
    dotfiles: 'deny',
    decorateReply: false,
    cacheControl: false,
    setHeaders(reply) {
      reply.header('cache-control', IMMUTABLE_CACHE);
      reply.header('x-content-type-options', 'nosniff');
    },
  });
}
