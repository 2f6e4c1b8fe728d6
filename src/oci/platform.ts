import { BadUsageError } from '../errors/kinds.ts';
import type { Platform } from './manifest.ts';

export interface PlatformSpec {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string | undefined;
}

/** Parse `os/arch[/variant]` as given to `--platform` (containerd's platform spec syntax). */
export function parsePlatform(value: string): PlatformSpec {
  const parts = value.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
    throw new BadUsageError(
      `invalid platform ${JSON.stringify(value)}: expected os/arch[/variant], e.g. linux/arm64`,
    );
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return {
    os: os.toLowerCase(),
    architecture: normaliseArch(architecture.toLowerCase()),
    variant: variant?.toLowerCase(),
  };
}

/** Aliases containerd normalises (`aarch64` → `arm64`, `x86_64` → `amd64`). */
function normaliseArch(arch: string): string {
  if (arch === 'aarch64') return 'arm64';
  if (arch === 'x86_64' || arch === 'x86-64') return 'amd64';
  return arch;
}

/** A requested spec matches a descriptor's platform when os/arch agree and, if asked, the variant too. */
export function platformMatches(spec: PlatformSpec, platform: Platform | undefined): boolean {
  if (!platform) return false;
  if (platform.os !== spec.os || normaliseArch(platform.architecture) !== spec.architecture) return false;
  if (spec.variant !== undefined) {
    // arm64 images commonly omit "v8"; treat it as the default variant.
    const actual = platform.variant ?? (spec.architecture === 'arm64' ? 'v8' : undefined);
    return actual === spec.variant;
  }
  return true;
}

export function formatPlatform(p: Platform | PlatformSpec | undefined): string {
  if (!p) return 'unknown';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
