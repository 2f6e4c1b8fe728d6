import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { HARBOR_PUSH_EVENT, parseHarborEvent } from './harbor-events.ts';

const DIGEST = `sha256:${'954b378c'.repeat(8)}`;

/** Shaped like Harbor's "Default" webhook payload for a push. */
function pushEvent(
  resources: { digest?: string; tag?: string; resource_url?: string }[],
  overrides: Record<string, unknown> = {},
) {
  return {
    type: HARBOR_PUSH_EVENT,
    occur_at: 1680501893,
    operator: 'robot$ci',
    event_data: {
      resources: resources.map((r) => ({
        digest: r.digest ?? DIGEST,
        ...(r.tag === undefined ? {} : { tag: r.tag }),
        resource_url: r.resource_url ?? `harbor.nonprod.example/team-a/app:${r.tag ?? ''}`,
      })),
      repository: {
        date_created: 1680501000,
        name: 'app',
        namespace: 'team-a',
        repo_full_name: 'team-a/app',
        repo_type: 'private',
      },
    },
    ...overrides,
  };
}

function invalid(value: unknown, message: RegExp): void {
  assert.throws(
    () => parseHarborEvent(value),
    (err) =>
      err instanceof TriggerError &&
      err.code === TriggerErrorCode.InvalidBody &&
      err.status === 400 &&
      message.test(err.message),
  );
}

describe('parseHarborEvent', () => {
  test('a tagged push becomes a request, with the registry host from resource_url', () => {
    const [request, ...rest] = parseHarborEvent(pushEvent([{ tag: 'v1.0' }]));
    assert.equal(rest.length, 0);
    assert.ok(request);
    assert.deepEqual(request.source, {
      registry: 'harbor.nonprod.example',
      repository: 'team-a/app',
      tag: 'v1.0',
      digest: DIGEST,
    });
    assert.equal(request.trigger.kind, 'harbor');
    assert.equal(request.trigger.actor, 'robot$ci');
    assert.match(request.trigger.deliveryId ?? '', /^harbor:[0-9a-f]{32}$/);
  });

  test('the derived delivery id is stable across redeliveries and differs between pushes', () => {
    const id = (event: unknown) => parseHarborEvent(event)[0]?.trigger.deliveryId;
    assert.equal(id(pushEvent([{ tag: 'v1' }])), id(pushEvent([{ tag: 'v1' }])));
    assert.notEqual(id(pushEvent([{ tag: 'v1' }])), id(pushEvent([{ tag: 'v2' }])));
    assert.notEqual(id(pushEvent([{ tag: 'v1' }])), id(pushEvent([{ tag: 'v1' }], { occur_at: 1680501894 })));
  });

  test('resource_url with a port or a scheme; configured registry host wins', () => {
    const withPort = pushEvent([{ tag: 'v1', resource_url: 'harbor.example:8443/team-a/app:v1' }]);
    assert.equal(parseHarborEvent(withPort)[0]?.source.registry, 'harbor.example:8443');
    const withScheme = pushEvent([{ tag: 'v1', resource_url: 'https://Harbor.Example/team-a/app:v1' }]);
    assert.equal(parseHarborEvent(withScheme)[0]?.source.registry, 'harbor.example');
    const internal = pushEvent([{ tag: 'v1', resource_url: 'harbor-core/team-a/app:v1' }]);
    invalid(
      internal,
      /registry host "harbor-core" of resource_url is invalid: .*configure the registry host/,
    );
    assert.equal(
      parseHarborEvent(internal, { registryHost: 'harbor.example' })[0]?.source.registry,
      'harbor.example',
    );
  });

  test('pushes by digest and attachment tags are ignored; several tags give several requests', () => {
    assert.deepEqual(parseHarborEvent(pushEvent([{}])), []);
    assert.deepEqual(parseHarborEvent(pushEvent([{ tag: '' }])), []);
    assert.deepEqual(parseHarborEvent(pushEvent([{ tag: DIGEST }])), []);
    assert.deepEqual(parseHarborEvent(pushEvent([{ tag: `sha256-${'a'.repeat(64)}.sig` }])), []);
    const two = parseHarborEvent(pushEvent([{ tag: 'v1' }, { tag: 'latest' }]));
    assert.deepEqual(
      two.map((r) => r.source.tag),
      ['v1', 'latest'],
    );
  });

  test('other event types give nothing', () => {
    for (const type of [
      'PULL_ARTIFACT',
      'DELETE_ARTIFACT',
      'SCANNING_COMPLETED',
      'QUOTA_EXCEED',
      'REPLICATION',
      'TAG_RETENTION',
    ]) {
      assert.deepEqual(parseHarborEvent({ type, occur_at: 1, event_data: { anything: true } }), [], type);
    }
  });

  test('the CloudEvents format is refused with a pointer to the setting', () => {
    invalid({ specversion: '1.0', type: 'harbor.artifact.pushed', data: {} }, /payload format to "Default"/);
    invalid({ type: 'harbor.artifact.pushed' }, /CloudEvents/);
  });

  test('operator missing or empty → "registry"', () => {
    assert.equal(
      parseHarborEvent(pushEvent([{ tag: 'v1' }], { operator: '' }))[0]?.trigger.actor,
      'registry',
    );
    const { operator: _o, ...noOperator } = pushEvent([{ tag: 'v1' }]);
    assert.equal(parseHarborEvent(noOperator)[0]?.trigger.actor, 'registry');
  });

  test('push events are validated', () => {
    invalid({}, /type: Invalid input/);
    invalid(pushEvent([{ tag: 'v1' }], { occur_at: 'now' }), /occur_at/);
    invalid(pushEvent([{ tag: 'v1', digest: 'sha256:xyz' }]), /resources\[0\].digest/);
    invalid(pushEvent([{ tag: '$(id)' }]), /resource #1: tag "\$\(id\)" is invalid/);
    invalid(
      pushEvent([{ tag: 'v1' }], { event_data: { resources: [], repository: { repo_full_name: '../x' } } }),
      /repo_full_name/,
    );
    invalid(pushEvent([{ tag: 'v1' }], { operator: 'a\nb' }), /operator/);
  });
});
