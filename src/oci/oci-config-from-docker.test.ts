import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FerryError } from '../errors/ferry-error.ts';
import { ociConfigFromDocker } from './oci-config-from-docker.ts';

const encode = (v: unknown) => Buffer.from(JSON.stringify(v));
const convert = (v: unknown) => Buffer.from(ociConfigFromDocker(encode(v))).toString('utf8');

describe('ociConfigFromDocker', () => {
  test('matches what skopeo 1.9.3 wrote for a Docker config with Docker-only fields (captured from the binary)', () => {
    // Input and expected output of `skopeo copy --format oci` on this config, taken from a run against
    // a local registry: Docker-only fields dropped, Go field order, sorted maps, HTML escaping,
    // fractional zeros trimmed, offsets kept, empty_layer=false dropped.
    const input = {
      architecture: 'amd64',
      os: 'linux',
      'os.version': '10',
      variant: 'v1',
      container: 'abc',
      docker_version: '20.10',
      container_config: { Cmd: ['x'] },
      created: '2024-01-01T00:00:00.000000000Z',
      author: 'a<b>&c \u2028 é',
      config: {
        Env: ['A=1'],
        ExposedPorts: { '80/tcp': {} },
        Labels: { z: '1', a: '2' },
        ArgsEscaped: true,
        Healthcheck: { Test: ['x'] },
        OnBuild: null,
        StopSignal: 'SIGTERM',
        Domainname: '',
      },
      rootfs: {
        type: 'layers',
        diff_ids: [
          'sha256:c476c5277fc9e1c89dcde3a7598d4994d324e8fab3b0642f20e024c274627900',
          'sha256:71c61e4c16c3f038b899eb6228da2d614e915b21b80b3d315e84e7dd768515d3',
        ],
      },
      history: [
        { created: '2024-01-01T00:00:00.5+02:00', created_by: 'x', empty_layer: false },
        { created_by: 'y', comment: 'c' },
      ],
    };
    assert.equal(
      convert(input),
      '{"created":"2024-01-01T00:00:00Z","author":"a\\u003cb\\u003e\\u0026c \\u2028 é","architecture":"amd64","variant":"v1","os":"linux","os.version":"10","config":{"ExposedPorts":{"80/tcp":{}},"Env":["A=1"],"Labels":{"a":"2","z":"1"},"StopSignal":"SIGTERM","ArgsEscaped":true},"rootfs":{"type":"layers","diff_ids":["sha256:c476c5277fc9e1c89dcde3a7598d4994d324e8fab3b0642f20e024c274627900","sha256:71c61e4c16c3f038b899eb6228da2d614e915b21b80b3d315e84e7dd768515d3"]},"history":[{"created":"2024-01-01T00:00:00.5+02:00","created_by":"x"},{"created_by":"y","comment":"c"}]}',
    );
  });

  test('keeps required fields when empty, omits empty optional ones, and matches keys case-insensitively', () => {
    assert.equal(
      convert({
        Architecture: 'arm64',
        OS: 'linux',
        config: { Env: [], Labels: {} },
        rootfs: { diff_ids: [] },
      }),
      '{"architecture":"arm64","os":"linux","config":{},"rootfs":{"type":"","diff_ids":[]}}',
    );
    assert.equal(convert({}), '{"architecture":"","os":"","config":{},"rootfs":{"type":"","diff_ids":null}}');
  });

  test('a value of the wrong type or a malformed time is refused, like json.Unmarshal', () => {
    assert.throws(() => convert({ config: { Env: 'A=1' } }), FerryError);
    assert.throws(() => convert({ created: 'yesterday' }), /RFC 3339/);
    assert.throws(() => ociConfigFromDocker(Buffer.from('{')), /not valid JSON/);
  });
});
