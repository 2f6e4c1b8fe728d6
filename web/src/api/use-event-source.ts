/**
 * Server-sent events (WHATWG HTML §9.2) with the browser's EventSource: it sends the session cookie
 * (same origin) and reconnects by itself after a dropped connection. A stream that cannot be opened at
 * all (an answer other than 200 text/event-stream, e.g. an older server without the endpoint) leaves
 * the EventSource CLOSED; the hook reports that as `unavailable` so the view can poll instead.
 */
import { useEffect, useRef, useState } from 'react';

export type StreamState = 'connecting' | 'open' | 'unavailable';

export type EventHandlers = Readonly<Record<string, (data: unknown) => void>>;

export function useEventSource(url: string | null, handlers: EventHandlers): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  // Handlers change every render; the stream must not reconnect for that.
  const current = useRef(handlers);
  current.current = handlers;
  const names = Object.keys(handlers).sort().join(',');

  useEffect(() => {
    if (url === null) return;
    setState('connecting');
    const source = new EventSource(url);
    source.onopen = () => setState('open');
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setState('unavailable');
      else setState('connecting');
    };
    for (const name of names.split(',')) {
      if (name === '') continue;
      source.addEventListener(name, (event) => {
        let data: unknown;
        try {
          data = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return;
        }
        current.current[name]?.(data);
      });
    }
    return () => source.close();
  }, [url, names]);
  return url === null ? 'unavailable' : state;
}
