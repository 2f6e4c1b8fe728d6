import { shortDigest } from '../lib/format.ts';
import { CopyButton } from './copy-button.tsx';

/** A digest, shortened on screen (full on hover and in the copy), with a copy button. */
export function Digest({ digest, label = 'digest' }: { digest: string | null; label?: string }) {
  if (digest === null) return <span>—</span>;
  return (
    <span className="digest">
      <code title={digest}>{shortDigest(digest)}</code>
      <CopyButton value={digest} label={label} />
    </span>
  );
}
