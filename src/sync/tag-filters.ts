/**
 * Tag selection of skopeo's sync YAML: `images-by-tag-regex` and `images-by-semver`.
 *
 * - Regex: skopeo matches with Go's `regexp.MatchString`, which is *unanchored* (`1\.2` matches
 *   `v1.2.3-debug`); ferry does the same so a file behaves identically, and anchors are the author's to
 *   add (`^1\.2\.\d+$`).
 * - Semver: skopeo uses Masterminds/semver: tags are parsed leniently (`v1.2`, `1.2` → 1.2.0) and
 *   tags that are not versions are skipped; constraints separate AND-ed comparators with "," and
 *   alternatives with "||". npm's `semver` evaluates the range once the commas become spaces.
 */
import semver from 'semver';

/** Why `pattern` is not a usable regex, or undefined. */
export function checkTagRegex(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
    return undefined;
  } catch (err) {
    return `not a valid regular expression (${(err as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
}

export function selectByRegex(tags: readonly string[], pattern: string): string[] {
  const re = new RegExp(pattern, 'u');
  return tags.filter((tag) => re.test(tag));
}

/** Masterminds constraint syntax → an npm semver range, or undefined if it is not a valid constraint. */
export function semverRange(constraint: string): string | undefined {
  const translated = constraint
    .split('||')
    .map((alternative) =>
      alternative
        .split(',')
        .map((c) => c.trim())
        .join(' '),
    )
    .join(' || ');
  return semver.validRange(translated) ?? undefined;
}

const LENIENT_VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** A tag as a semantic version the way Masterminds' NewVersion reads it, or undefined. */
export function tagVersion(tag: string): string | undefined {
  const m = LENIENT_VERSION.exec(tag);
  if (!m) return undefined;
  const version = `${Number(m[1])}.${Number(m[2] ?? 0)}.${Number(m[3] ?? 0)}${m[4] ?? ''}${m[5] ?? ''}`;
  return semver.valid(version) ?? undefined;
}

export function selectBySemver(tags: readonly string[], constraint: string): string[] {
  const range = semverRange(constraint);
  if (range === undefined) return [];
  return tags.filter((tag) => {
    const version = tagVersion(tag);
    return version !== undefined && semver.satisfies(version, range);
  });
}
