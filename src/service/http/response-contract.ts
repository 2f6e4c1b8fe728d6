/**
 * Checks every answer the app sends against the API contract (api/response-check.ts) before it leaves:
 * an answer that does not match is logged at error level ("response does not match the API contract")
 * and replaced by a 500, so a test that provoked it fails where the drift is, not in a client later.
 *
 * Meant for tests: the HTTP tests' app (http-fixture.ts), the in-process server tests (serve-fixture)
 * and the end-to-end suite (`FERRY_CHECK_RESPONSES=1`, see main.ts) turn it on. It costs a schema
 * validation per response, which production has no need to pay.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkResponse } from '../../api/response-check.ts';
import { HttpErrorCode } from './errors.ts';

export const CONTRACT_VIOLATION_LOG = 'response does not match the API contract';

export interface ResponseContractCheckOptions {
  /** Routes outside the API contract (the dashboard's pages and files). Default: none. */
  readonly exempt?: ((request: FastifyRequest) => boolean) | undefined;
}

export function addResponseContractCheck(
  app: FastifyInstance,
  options: ResponseContractCheckOptions = {},
): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (options.exempt?.(request) === true) return payload;
    // Streams (event streams are hijacked and never get here) and empty bodies carry nothing to check.
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const contentType = reply.getHeader('content-type');
    const problem = checkResponse({
      method: request.method,
      route: request.routeOptions.url,
      status: reply.statusCode,
      contentType: typeof contentType === 'string' ? contentType : undefined,
      body: payload.toString(),
    });
    if (problem === undefined) return payload;
    request.log.error({ problem }, CONTRACT_VIOLATION_LOG);
    reply.code(500).type('application/json; charset=utf-8');
    return JSON.stringify({ code: HttpErrorCode.Internal, message: `${CONTRACT_VIOLATION_LOG}: ${problem}` });
  });
}
