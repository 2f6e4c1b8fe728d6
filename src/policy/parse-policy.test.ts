import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../errors/codes.ts';
import { parsePolicy } from './parse-policy.ts';
import { PolicyConfigError } from './policy-errors.ts';

const FILE = '/etc/containers/policy.json';
const parse = (json: unknown) => parsePolicy(typeof json === 'string' ? json : JSON.stringify(json), FILE);

function refused(json: unknown, message: RegExp): void {
  assert.throws(
    () => parse(json),
    (err: unknown) => {
      assert.ok(err instanceof PolicyConfigError);
      assert.equal(err.code, ErrorCode.PolicyConfig);
      assert.match(err.message, message);
      assert.ok(err.message.startsWith(`invalid policy in ${FILE}: `), err.message);
      return true;
    },
  );
}

test('a distribution default policy parses (RHEL: signedBy for Red Hat registries, docker-daemon scope)', () => {
  const policy = parse({
    default: [{ type: 'insecureAcceptAnything' }],
    transports: {
      docker: {
        'registry.access.redhat.com': [
          { type: 'signedBy', keyType: 'GPGKeys', keyPaths: ['/etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release'] },
        ],
        'quay.io/team': [
          {
            type: 'sigstoreSigned',
            keyPath: '/etc/keys/team.pub',
            signedIdentity: { type: 'matchRepository' },
          },
        ],
      },
      'docker-daemon': { '': [{ type: 'insecureAcceptAnything' }] },
      atomic: { anything: [{ type: 'reject' }] },
    },
  });
  assert.deepEqual(policy.default, [{ type: 'insecureAcceptAnything' }]);
  assert.deepEqual(policy.transports.get('docker')?.get('registry.access.redhat.com'), [
    { type: 'signedBy', keyType: 'GPGKeys' },
  ]);
  assert.deepEqual(policy.transports.get('docker')?.get('quay.io/team'), [
    { type: 'sigstoreSigned', keyPath: '/etc/keys/team.pub', signedIdentity: { type: 'matchRepository' } },
  ]);
  assert.equal(
    policy.transports.get('atomic')?.size,
    1,
    'transports ferry does not know are kept, unchecked',
  );
});

test('sigstoreSigned: signedIdentity defaults to matchRepoDigestOrExact; keyData is base64 of the PEM', () => {
  const pem = '-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n';
  const policy = parse({
    default: [{ type: 'sigstoreSigned', keyData: Buffer.from(pem).toString('base64') }],
  });
  const req = policy.default[0]!;
  assert.equal(req.type, 'sigstoreSigned');
  assert.ok(req.type === 'sigstoreSigned' && Buffer.from(req.keyData!).toString() === pem);
  assert.deepEqual(req.type === 'sigstoreSigned' && req.signedIdentity, { type: 'matchRepoDigestOrExact' });
});

test('every identity match type parses with its fields', () => {
  for (const signedIdentity of [
    { type: 'matchExact' },
    { type: 'matchRepository' },
    { type: 'exactReference', dockerReference: 'reg.example/app:v1' },
    { type: 'exactRepository', dockerRepository: 'reg.example/app' },
    { type: 'remapIdentity', prefix: 'mirror.example/team', signedPrefix: 'reg.example' },
  ]) {
    const policy = parse({ default: [{ type: 'sigstoreSigned', keyPath: '/k.pub', signedIdentity }] });
    const req = policy.default[0]!;
    assert.deepEqual(req.type === 'sigstoreSigned' && req.signedIdentity, signedIdentity);
  }
});

test('malformed files are refused, naming the file and the key', () => {
  refused('{"default": [', /not valid JSON/);
  refused(
    '{"default":[{"type":"reject"}],"default":[{"type":"insecureAcceptAnything"}]}',
    /default: duplicate key "default"/,
  );
  refused({}, /Default policy is missing/);
  refused({ default: [] }, /default: List of verification policy requirements must not be empty/);
  refused({ default: [{ type: 'reject' }], extra: 1 }, /extra: Unknown key "extra"/);
  refused(
    { default: [{ type: 'acceptEverything' }] },
    /default\[0\]\.type: Unknown policy requirement type "acceptEverything"/,
  );
  refused({ default: [{ type: 'reject', keyPath: '/k' }] }, /default\[0\]\.keyPath: Unknown key "keyPath"/);
  refused(
    { default: [{ type: 'reject' }], transports: { docker: { 'reg.example/app': [{ typo: 'reject' }] } } },
    /transports\.docker\["reg\.example\/app"\]\[0\]\.type: a requirement needs a string "type"/,
  );
});

test('sigstoreSigned and signedBy fields are checked as containers/image does', () => {
  refused({ default: [{ type: 'sigstoreSigned' }] }, /At least one of keyPath and keyData must be specified/);
  refused(
    { default: [{ type: 'sigstoreSigned', keyPath: '/a', keyData: 'QQ==' }] },
    /keyPath and keyData cannot be used simultaneously/,
  );
  refused(
    { default: [{ type: 'sigstoreSigned', keyData: 'not base64!' }] },
    /default\[0\]\.keyData: keyData must be a base64 string/,
  );
  refused(
    { default: [{ type: 'sigstoreSigned', keyPath: '/a', fulcio: {} }] },
    /fulcio: Unknown key "fulcio": Fulcio\/Rekor/,
  );
  refused(
    { default: [{ type: 'sigstoreSigned', keyPath: '/a', signedIdentity: { type: 'matchEverything' } }] },
    /signedIdentity\.type: Unknown policy reference match type "matchEverything"/,
  );
  refused(
    {
      default: [
        {
          type: 'sigstoreSigned',
          keyPath: '/a',
          signedIdentity: { type: 'exactReference', dockerReference: 'reg.example/app' },
        },
      ],
    },
    /contains neither a tag nor digest/,
  );
  refused(
    { default: [{ type: 'sigstoreSigned', keyPath: '/a', signedIdentity: { type: 'exactRepository' } }] },
    /Key "dockerRepository" missing/,
  );
  refused(
    {
      default: [
        {
          type: 'sigstoreSigned',
          keyPath: '/a',
          signedIdentity: { type: 'remapIdentity', prefix: 'Bad Prefix', signedPrefix: 'reg.example' },
        },
      ],
    },
    /signedIdentity\.prefix: prefix "Bad Prefix" is not valid/,
  );
  refused({ default: [{ type: 'signedBy', keyType: 'PGP', keyPath: '/k' }] }, /invalid keyType "PGP"/);
  refused(
    { default: [{ type: 'signedBy', keyType: 'GPGKeys' }] },
    /exactly one of keyPath, keyPaths and keyData/,
  );
});

test('scopes are validated per transport (paths absolute and clean, docker-archive only "")', () => {
  const with_ = (transport: string, scope: string) => ({
    default: [{ type: 'reject' }],
    transports: { [transport]: { [scope]: [{ type: 'insecureAcceptAnything' }] } },
  });
  assert.doesNotThrow(() => parse(with_('oci', '/srv/layouts/app')));
  assert.doesNotThrow(() => parse(with_('dir', '/srv/dirs')));
  assert.doesNotThrow(() => parse(with_('docker', '*.example.com')));
  refused(
    with_('oci', 'relative/path'),
    /transports\.oci\["relative\/path"\]: invalid scope: relative\/path must be an absolute path/,
  );
  refused(with_('oci-archive', '/'), /use the generic default scope ""/);
  refused(with_('dir', '/srv/../srv/x/'), /not in canonical form, perhaps try \/srv\/x/);
  refused(
    with_('docker-archive', '/a.tar'),
    /docker-archive: does not support any scopes except the default "" one/,
  );
  refused(with_('docker-daemon', `sha256:${'a'.repeat(64)}`), /can not use algo:digest value/);
});
