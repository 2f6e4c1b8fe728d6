/**
 * Redirects, followed for GET and HEAD unless the caller says otherwise: blob downloads are sent to
 * object storage (S3, GCS) with a 307. The hop to another host goes through the layers below with an
 * absolute URL, so it gets the foreign pool and no registry credentials.
 */
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { redactUrl } from '../redact-url.ts';
import { discardResponse, type Layer } from './exchange.ts';

const MAX_REDIRECTS = 5;

export function withRedirects(): Layer {
  return (next) => async (req) => {
    const follow = req.followRedirects ?? (req.method === 'GET' || req.method === 'HEAD');
    let current = req;
    for (let hops = 0; ; hops++) {
      const res = await next(current);
      const location = res.headers.location;
      if (!follow || res.status < 300 || res.status >= 400 || res.status === 304 || !location) return res;
      await discardResponse(res);
      if (hops === MAX_REDIRECTS) {
        throw new FerryError(ErrorCode.Registry, `${req.method} ${redactUrl(res.url)}: too many redirects`);
      }
      current = { ...current, url: new URL(String(location), res.url).href };
    }
  };
}
