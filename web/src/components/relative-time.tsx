import { useEffect, useState } from 'react';
import { exactTime, relativeTime } from '../lib/relative-time.ts';

/** The current time, advancing every `everyMs` while mounted (relative times stay true). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** "3 min ago" relative to `now`, with the exact UTC time on hover and for assistive technology. */
export function TimeAgo({ at, now }: { at: string | null; now: number }) {
  if (at === null) return <span>—</span>;
  return (
    <time dateTime={at} title={exactTime(at)}>
      {relativeTime(at, now)}
    </time>
  );
}

/** TimeAgo with a clock of its own (a list shares one clock among its rows instead). */
export function RelativeTime({ at }: { at: string | null }) {
  return <TimeAgo at={at} now={useNow()} />;
}
