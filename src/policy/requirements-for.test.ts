import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from './parse-policy.ts';
import { dockerSubject } from './policy-subject.ts';
import { requirementsFor } from './requirements-for.ts';

const policy = parsePolicy(
  JSON.stringify({
    default: [{ type: 'reject' }],
    transports: {
      docker: {
        'reg.example.com/team/app:v1': [{ type: 'sigstoreSigned', keyPath: '/tag.pub' }],
        'reg.example.com/team/app': [{ type: 'sigstoreSigned', keyPath: '/repo.pub' }],
        'reg.example.com/team': [{ type: 'sigstoreSigned', keyPath: '/ns.pub' }],
        'reg.example.com': [{ type: 'sigstoreSigned', keyPath: '/host.pub' }],
        '*.example.com': [{ type: 'sigstoreSigned', keyPath: '/wild.pub' }],
        '': [{ type: 'insecureAcceptAnything' }],
      },
    },
  }),
  'policy.json',
);

const keyFor = (registry: string, repository: string, tag: string) => {
  const { requirements } = requirementsFor(policy, dockerSubject({ registry, repository, tag }));
  const r = requirements[0]!;
  return r.type === 'sigstoreSigned' ? r.keyPath : r.type;
};

test('the most specific docker scope wins: tag, repository, namespace, host, wildcard domain, ""', () => {
  assert.equal(keyFor('reg.example.com', 'team/app', 'v1'), '/tag.pub');
  assert.equal(keyFor('reg.example.com', 'team/app', 'v2'), '/repo.pub');
  assert.equal(keyFor('reg.example.com', 'team/other', 'v1'), '/ns.pub');
  assert.equal(keyFor('reg.example.com', 'solo', 'v1'), '/host.pub');
  assert.equal(keyFor('mirror.example.com', 'team/app', 'v1'), '/wild.pub');
  assert.equal(keyFor('quay.io', 'team/app', 'v1'), 'insecureAcceptAnything');
});

test('without a section for the transport, the default applies', () => {
  const { requirements, scope } = requirementsFor(policy, {
    transport: 'oci',
    identity: '/srv/l',
    namespaces: ['/srv/l', '/srv'],
    imageName: 'oci:/srv/l:',
    dockerReference: undefined,
    readsSignatures: false,
  });
  assert.deepEqual(requirements, [{ type: 'reject' }]);
  assert.equal(scope, 'default');
});
