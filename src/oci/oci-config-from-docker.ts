/**
 * A Docker image config re-encoded as an OCI image config, the way containers/image does it when it
 * converts a schema 2 image to OCI (`internal/image/docker_schema2.go` OCIConfig +
 * convertToManifestOCI1): decode into the image-spec `v1.Image` Go struct, dropping Docker-only fields
 * (`container`, `container_config`, `docker_version`, Healthcheck, …), and `json.Marshal` it again.
 * Doing the same here gives the same config bytes, hence the same config and manifest digests as skopeo.
 *
 * The field set and order are those of the image-spec snapshot Debian's skopeo 1.9.3 is built with
 * (v1.1.0-rc2 plus `ArgsEscaped`; `variant` still between `architecture` and `os`), checked against
 * that binary's output. Go's decoding rules are followed: keys match field names case-insensitively
 * (an exact match wins), `null` leaves a field at its zero value, a value of the wrong type fails.
 */
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { type GoMap, type GoValue, goJson } from './go-json.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class ConfigDecodeError extends FerryError {
  constructor(message: string) {
    super(ErrorCode.BadManifest, `image config cannot be converted to OCI: ${message}`);
  }
}

/** `json.Unmarshal` field lookup: the last exact key, else the last case-insensitive one. */
function field(obj: { [k: string]: Json }, name: string): Json | undefined {
  if (Object.hasOwn(obj, name)) return obj[name];
  let found: Json | undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) found = v;
  return found;
}

function str(v: Json | undefined, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ConfigDecodeError(`${where} is not a string`);
  return v === '' ? undefined : v;
}

function strSlice(v: Json | undefined, where: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ConfigDecodeError(`${where} is not an array`);
  const out = v.map((e, i) => (e === null ? '' : (str(e, `${where}[${i}]`) ?? '')));
  return out.length === 0 ? undefined : out;
}

function obj(v: Json | undefined, where: string): { [k: string]: Json } | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigDecodeError(`${where} is not an object`);
  return v;
}

/** map[string]struct{}: every value becomes `{}`. */
function setMap(v: Json | undefined, where: string): GoMap | undefined {
  const o = obj(v, where);
  if (!o) return undefined;
  const m = new Map<string, GoValue>();
  for (const [k, e] of Object.entries(o)) {
    if (e !== null) obj(e, `${where}.${k}`);
    m.set(k, {});
  }
  return m.size === 0 ? undefined : m;
}

function stringMap(v: Json | undefined, where: string): GoMap | undefined {
  const o = obj(v, where);
  if (!o) return undefined;
  const m = new Map<string, GoValue>();
  for (const [k, e] of Object.entries(o)) m.set(k, e === null ? '' : (str(e, `${where}.${k}`) ?? ''));
  return m.size === 0 ? undefined : m;
}

function bool(v: Json | undefined, where: string): true | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ConfigDecodeError(`${where} is not a boolean`);
  return v ? true : undefined;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/** A `*time.Time` as Go writes it back: RFC 3339 with trailing zeros of the fraction dropped, offset kept. */
function time(v: Json | undefined, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ConfigDecodeError(`${where} is not a time`);
  const m = RFC3339.exec(v);
  if (!m) throw new ConfigDecodeError(`${where} ${JSON.stringify(v)} is not an RFC 3339 time`);
  const fraction = (m[3] ?? '').slice(0, 9).replace(/0+$/, '');
  const offset = m[4]!.toUpperCase() === 'Z' || m[4] === '+00:00' || m[4] === '-00:00' ? 'Z' : m[4]!;
  return `${m[1]}T${m[2]}${fraction ? `.${fraction}` : ''}${offset}`;
}

/** Docker (or any) image config bytes → the bytes of the OCI image config skopeo would write. */
export function ociConfigFromDocker(configBytes: Uint8Array): Uint8Array {
  let parsed: Json;
  try {
    parsed = JSON.parse(Buffer.from(configBytes).toString('utf8')) as Json;
  } catch {
    throw new ConfigDecodeError('it is not valid JSON');
  }
  const image = obj(parsed, 'config') ?? {};
  const cfg = obj(field(image, 'config'), 'config.config') ?? {};
  const rootfs = obj(field(image, 'rootfs'), 'rootfs') ?? {};
  const diffIds = field(rootfs, 'diff_ids');
  const history = field(image, 'history');
  if (history !== undefined && history !== null && !Array.isArray(history))
    throw new ConfigDecodeError('history is not an array');

  const out: GoValue = {
    created: time(field(image, 'created'), 'created'),
    author: str(field(image, 'author'), 'author'),
    architecture: str(field(image, 'architecture'), 'architecture') ?? '',
    variant: str(field(image, 'variant'), 'variant'),
    os: str(field(image, 'os'), 'os') ?? '',
    'os.version': str(field(image, 'os.version'), 'os.version'),
    'os.features': strSlice(field(image, 'os.features'), 'os.features'),
    config: {
      User: str(field(cfg, 'User'), 'config.User'),
      ExposedPorts: setMap(field(cfg, 'ExposedPorts'), 'config.ExposedPorts'),
      Env: strSlice(field(cfg, 'Env'), 'config.Env'),
      Entrypoint: strSlice(field(cfg, 'Entrypoint'), 'config.Entrypoint'),
      Cmd: strSlice(field(cfg, 'Cmd'), 'config.Cmd'),
      Volumes: setMap(field(cfg, 'Volumes'), 'config.Volumes'),
      WorkingDir: str(field(cfg, 'WorkingDir'), 'config.WorkingDir'),
      Labels: stringMap(field(cfg, 'Labels'), 'config.Labels'),
      StopSignal: str(field(cfg, 'StopSignal'), 'config.StopSignal'),
      ArgsEscaped: bool(field(cfg, 'ArgsEscaped'), 'config.ArgsEscaped'),
    },
    rootfs: {
      type: str(field(rootfs, 'type'), 'rootfs.type') ?? '',
      // No omitempty on diff_ids: absent or null is written as null, an empty array as [].
      diff_ids:
        diffIds === undefined || diffIds === null
          ? null
          : (strSlice(diffIds, 'rootfs.diff_ids') ?? (Array.isArray(diffIds) ? [] : null)),
    },
    history:
      Array.isArray(history) && history.length > 0
        ? history.map((h, i) => {
            const e = obj(h, `history[${i}]`) ?? {};
            return {
              created: time(field(e, 'created'), `history[${i}].created`),
              created_by: str(field(e, 'created_by'), `history[${i}].created_by`),
              author: str(field(e, 'author'), `history[${i}].author`),
              comment: str(field(e, 'comment'), `history[${i}].comment`),
              empty_layer: bool(field(e, 'empty_layer'), `history[${i}].empty_layer`),
            };
          })
        : undefined,
  };
  return Buffer.from(goJson(out), 'utf8');
}
