/**
 * Test data shared by the field checks' unit tests: what the seed's pipeline would have run through `sh`
 * (its webhook body went straight into a `skopeo copy` line), and friends. Every check of a name, tag,
 * path or label must refuse each of them.
 */
export const SHELL_INJECTION_SAMPLES: readonly string[] = [
  '$(id)',
  ';rm -rf /',
  '`id`',
  'a\nb',
  'a b',
  'a\tb',
  '../etc',
  'a/../b',
  '|cat',
  'a&&b',
  `\${IFS}`,
  "a'b",
  'a"b',
];
