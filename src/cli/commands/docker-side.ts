import { BadUsageError } from '../../errors/kinds.ts';
import type { ImageReference } from '../../reference/image-reference.ts';
import { parseTransportReference } from '../../reference/parse-transport-reference.ts';

/** Parse a command-line image argument that must use the docker:// transport (inspect, list-tags, digest). */
export function dockerSide(arg: string, label: string): ImageReference {
  const parsed = parseTransportReference(arg);
  if (parsed.transport !== 'docker') {
    throw new BadUsageError(
      `${label} ${JSON.stringify(arg)}: the ${parsed.transport}: transport is not supported by this command yet`,
    );
  }
  return parsed.ref;
}
