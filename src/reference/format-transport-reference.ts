/** Inverse of parseTransportReference, for logs and records: the string a user could pass back to ferry or skopeo. */
import { formatReference } from './format-reference.ts';
import type { TransportReference } from './image-reference.ts';

export function formatTransportReference(ref: TransportReference): string {
  switch (ref.transport) {
    case 'docker':
      return `docker://${formatReference(ref.ref)}`;
    case 'oci':
    case 'oci-archive':
      return ref.refName === undefined
        ? `${ref.transport}:${ref.path}`
        : `${ref.transport}:${ref.path}:${ref.refName}`;
    case 'dir':
      return `dir:${ref.path}`;
    case 'docker-archive':
      if (ref.ref !== undefined) return `docker-archive:${ref.path}:${formatReference(ref.ref)}`;
      return ref.index === undefined
        ? `docker-archive:${ref.path}`
        : `docker-archive:${ref.path}:@${ref.index}`;
  }
}
