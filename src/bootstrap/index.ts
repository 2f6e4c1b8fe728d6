/**
 * `ferry bootstrap`: pure generation of the Kubernetes / OpenShift objects for each side of a
 * promotion. No I/O and no cluster access: the CLI passes flags in and prints the string out.
 */
import type { BootstrapOptions } from './bootstrap-options.ts';
import type { BootstrapOutput } from './manifest.ts';
import { renderYaml } from './render-yaml.ts';
import { sourceSide } from './source-side.ts';
import { targetSide } from './target-side.ts';

export {
  type BootstrapFlags,
  type BootstrapOptions,
  PLATFORMS,
  parseBootstrapOptions,
  ROLES,
  SOURCE_AUTHS,
  TARGET_AUTHS,
} from './bootstrap-options.ts';
export type { BootstrapOutput, KubeObject, Manifest } from './manifest.ts';

export function bootstrapObjects(options: BootstrapOptions): BootstrapOutput {
  return options.role === 'source' ? sourceSide(options) : targetSide(options);
}

/** The multi-document YAML `ferry bootstrap` prints. */
export function generateBootstrap(options: BootstrapOptions): string {
  return renderYaml(bootstrapObjects(options));
}
