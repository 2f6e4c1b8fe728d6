/** Transports of `ferry sync` (its own module so registering the command loads nothing else). */
export type SourceTransport = 'yaml' | 'docker' | 'oci' | 'oci-archive';
export type DestinationTransport = 'docker' | 'oci' | 'oci-archive';

export const SOURCES: readonly SourceTransport[] = ['yaml', 'docker', 'oci', 'oci-archive'];
export const DESTINATIONS: readonly DestinationTransport[] = ['docker', 'oci', 'oci-archive'];
