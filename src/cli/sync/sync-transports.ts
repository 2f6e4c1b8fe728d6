/** Transports of `ferry sync` (its own module so registering the command loads nothing else). */
export type SourceTransport = 'yaml' | 'docker' | 'dir' | 'oci' | 'oci-archive';
export type DestinationTransport = 'docker' | 'dir' | 'oci' | 'oci-archive';

export const SOURCES: readonly SourceTransport[] = ['yaml', 'docker', 'dir', 'oci', 'oci-archive'];
export const DESTINATIONS: readonly DestinationTransport[] = ['docker', 'dir', 'oci', 'oci-archive'];
