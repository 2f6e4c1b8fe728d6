import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { ErrorCode } from '../../errors/codes.ts';
import { MediaType } from '../../oci/media-types.ts';
import { DISTRIBUTION_EVENTS_MEDIA_TYPES, parseDistributionEvents } from './distribution-events.ts';
import { parseBody } from './parse-body.ts';

const INDEX_DIGEST = `sha256:${'1'.repeat(64)}`;
const CHILD_DIGEST = `sha256:${'2'.repeat(64)}`;
const LAYER_DIGEST = `sha256:${'3'.repeat(64)}`;

/** An event shaped like distribution's notifications/event.go output. */
function event(overrides: {
  id?: string;
  action?: string;
  mediaType?: string;
  digest?: string;
  repository?: string;
  tag?: string | undefined;
  host?: string | undefined;
  actor?: string | undefined;
}) {
  const repository = overrides.repository ?? 'team-a/app';
  const digest = overrides.digest ?? INDEX_DIGEST;
  return {
    id: overrides.id ?? 'ev-1',
    timestamp: '2024-05-01T10:00:00.123456789Z',
    action: overrides.action ?? 'push',
    target: {
      mediaType: overrides.mediaType ?? MediaType.OciIndex,
      size: 1234,
      digest,
      length: 1234,
      repository,
      url: `https://registry.nonprod.example:5000/v2/${repository}/manifests/${digest}`,
      ...(overrides.tag === undefined ? {} : { tag: overrides.tag }),
    },
    request: {
      id: 'req-1',
      addr: '10.0.0.7:51234',
      ...(overrides.host === undefined ? {} : { host: overrides.host }),
      method: 'PUT',
      useragent: 'containerd/1.7',
    },
    actor: overrides.actor === undefined ? {} : { name: overrides.actor },
    source: { addr: 'registry-0:5000', instanceID: 'b0a9d6e2-7a3e-4f56-9f0e-1c2d3e4f5a6b' },
  };
}

const HOST = 'registry.nonprod.example:5000';

function invalid(value: unknown, message: RegExp): void {
  assert.throws(
    () => parseDistributionEvents(value),
    (err) =>
      err instanceof TriggerError &&
      err.code === TriggerErrorCode.InvalidBody &&
      err.status === 400 &&
      message.test(err.message),
  );
}

describe('parseDistributionEvents', () => {
  test('a multi-arch push: only the tagged index creates a request; layers and child manifests are ignored', () => {
    const envelope = {
      events: [
        event({
          id: 'ev-layer',
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: LAYER_DIGEST,
          host: HOST,
        }),
        event({ id: 'ev-child', mediaType: MediaType.OciManifest, digest: CHILD_DIGEST, host: HOST }),
        event({ id: 'ev-index', tag: 'abc123', host: HOST, actor: 'ci-bot' }),
      ],
    };
    assert.deepEqual(parseDistributionEvents(envelope), [
      {
        source: {
          registry: 'registry.nonprod.example:5000',
          repository: 'team-a/app',
          tag: 'abc123',
          digest: INDEX_DIGEST,
        },
        trigger: { kind: 'distribution', deliveryId: 'ev-index', actor: 'ci-bot' },
      },
    ]);
  });

  test('every manifest/index media type counts; schema 1, configs and unknown types do not', () => {
    for (const mediaType of [
      MediaType.OciIndex,
      MediaType.OciManifest,
      MediaType.DockerManifestList,
      MediaType.DockerManifest,
    ]) {
      assert.equal(
        parseDistributionEvents({ events: [event({ mediaType, tag: 'v1', host: HOST })] }).length,
        1,
        mediaType,
      );
    }
    for (const mediaType of [
      MediaType.DockerSchema1Signed,
      MediaType.OciConfig,
      'application/octet-stream',
      '',
    ]) {
      assert.deepEqual(
        parseDistributionEvents({ events: [event({ mediaType, tag: 'v1', host: HOST })] }),
        [],
        mediaType,
      );
    }
  });

  test('pulls, deletes, mounts, tagless pushes and cosign/referrers tags are ignored', () => {
    const ignored = [
      event({ action: 'pull', tag: 'v1', host: HOST }),
      event({ action: 'delete', tag: 'v1', host: HOST }),
      event({ action: 'mount', tag: 'v1', host: HOST }),
      event({ tag: undefined, host: HOST }),
      event({ tag: '', host: HOST }),
      event({ tag: `sha256-${'a'.repeat(64)}.sig`, host: HOST }),
      event({ tag: `sha256-${'a'.repeat(64)}.att`, host: HOST }),
      event({ tag: `sha256-${'a'.repeat(64)}`, host: HOST }),
    ];
    assert.deepEqual(parseDistributionEvents({ events: ignored }), []);
    assert.deepEqual(parseDistributionEvents({ events: [] }), []);
  });

  test('ignored events are not validated (a registry may report oddities we never act on)', () => {
    const odd = {
      action: 'pull',
      target: { mediaType: MediaType.OciManifest, repository: 'NOT VALID', tag: '$(x)' },
    };
    assert.deepEqual(parseDistributionEvents({ events: [odd] }), []);
  });

  test('several tagged pushes give several requests in order; anonymous actor → "registry"', () => {
    const requests = parseDistributionEvents({
      events: [
        event({ id: 'a', tag: 'v1', host: HOST }),
        event({ id: 'b', tag: 'v2', host: HOST, actor: '' }),
      ],
    });
    assert.deepEqual(
      requests.map((r) => [r.trigger.deliveryId, r.source.tag, r.trigger.actor]),
      [
        ['a', 'v1', 'registry'],
        ['b', 'v2', 'registry'],
      ],
    );
  });

  test('the configured registry host wins over request.host, which may be internal', () => {
    const envelope = { events: [event({ tag: 'v1', host: 'registry:5000' })] };
    assert.equal(
      parseDistributionEvents(envelope, { registryHost: 'Registry.NonProd.example' })[0]?.source.registry,
      'registry.nonprod.example',
    );
    const compose = { events: [event({ tag: 'v1', host: 'registry' })] };
    assert.equal(parseDistributionEvents(compose, { registryHost: HOST })[0]?.source.registry, HOST);
    const noHost = { events: [event({ tag: 'v1' })] };
    assert.equal(parseDistributionEvents(noHost, { registryHost: HOST })[0]?.source.registry, HOST);
  });

  test('a bad configured registry host is a config error, not a 4xx', () => {
    assert.throws(
      () => parseDistributionEvents({ events: [] }, { registryHost: 'https://x' }),
      (err) => !(err instanceof TriggerError) && (err as { code?: string }).code === ErrorCode.BadUsage,
    );
  });

  test('an acted-on event without a usable host is a 400 that says what to configure', () => {
    invalid(
      { events: [event({ tag: 'v1' })] },
      /event #1: request.host is missing; configure the registry host/,
    );
    invalid(
      { events: [event({ tag: 'v1', host: 'registry' })] },
      /event #1: request.host "registry" is invalid: is not a registry host .*; configure the registry host/,
    );
  });

  test('acted-on events are validated strictly; one bad event refuses the whole envelope', () => {
    invalid(
      { events: [event({ tag: 'v1', host: HOST }), event({ tag: 'a;b', host: HOST })] },
      /event #2: target.tag/,
    );
    invalid(
      { events: [event({ tag: 'v1', host: HOST, repository: 'Team/App' })] },
      /target.repository: "Team\/App"/,
    );
    invalid({ events: [event({ tag: 'v1', host: HOST, digest: 'sha256:nothex' })] }, /target.digest/);
    invalid({ events: [event({ tag: 'v1', host: HOST, id: 'has space' })] }, /id: "has space" is invalid/);
    invalid(
      { events: [event({ tag: 'v1', host: HOST, actor: 'x\u001b[2J' })] },
      /actor.name: "x\\u001b\[2J" is invalid/,
    );
  });

  test('malformed envelopes', () => {
    invalid({}, /events: Invalid input/);
    invalid({ events: {} }, /events: Invalid input/);
    invalid({ events: [{ target: {} }] }, /events\[0\].action/);
    invalid({ events: Array.from({ length: 1001 }, () => event({ action: 'pull' })) }, /events: Too big/);
  });

  test('the whole path: registry Content-Type, JSON body, requests', () => {
    for (const contentType of DISTRIBUTION_EVENTS_MEDIA_TYPES) {
      const body = Buffer.from(JSON.stringify({ events: [event({ tag: 'v1', host: HOST })] }));
      const requests = parseDistributionEvents(parseBody(body, contentType, { formats: ['json'] }));
      assert.equal(requests.length, 1);
    }
  });
});
