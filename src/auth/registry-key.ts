/**
 * Comparable form of a registry host for matching a keychain's configured registry against the one
 * being resolved: Docker Hub aliases collapse to `docker.io` and case is ignored (DNS names are
 * case-insensitive; `Quay.io` and `quay.io` must get the same credentials).
 */
import { normalizeRegistryHost } from '../reference/registry-host.ts';

export function registryKey(host: string): string {
  return normalizeRegistryHost(host).toLowerCase();
}

/** Builds a matcher for one or several configured registries. */
export function registryMatcher(registries: string | readonly string[]): (registry: string) => boolean {
  const keys = new Set((typeof registries === 'string' ? [registries] : registries).map(registryKey));
  return (registry) => keys.has(registryKey(registry));
}
