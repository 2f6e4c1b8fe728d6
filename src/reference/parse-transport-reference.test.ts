import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadReferenceError } from '../errors/kinds.ts';
import { formatTransportReference } from './format-transport-reference.ts';
import { parseTransportReference } from './parse-transport-reference.ts';

const SHA256 = `sha256:${'0'.repeat(64)}`;

function rejects(input: string, reason: RegExp): void {
  assert.throws(
    () => parseTransportReference(input),
    (err: unknown) => {
      assert.ok(err instanceof BadReferenceError, String(err));
      assert.match(err.message, reason);
      return true;
    },
  );
}

describe('parseTransportReference: docker://', () => {
  test('normalises and applies the default tag like skopeo', () => {
    assert.deepEqual(parseTransportReference('docker://ubuntu'), {
      transport: 'docker',
      ref: { registry: 'docker.io', repository: 'library/ubuntu', tag: 'latest' },
    });
  });

  test('keeps the reference untagged when asked', () => {
    const parsed = parseTransportReference('docker://quay.io/a/b', { defaultTag: false });
    assert.equal(parsed.transport, 'docker');
    assert.equal(parsed.transport === 'docker' ? parsed.ref.tag : 'x', undefined);
  });

  test('digest-only stays digest-only; tag+digest keeps both', () => {
    const d = parseTransportReference(`docker://quay.io/a/b@${SHA256}`);
    assert.ok(d.transport === 'docker');
    assert.equal(d.ref.tag, undefined);
    assert.equal(d.ref.digest, SHA256);
    const td = parseTransportReference(`docker://localhost:5000/a:1@${SHA256}`);
    assert.ok(td.transport === 'docker');
    assert.equal(td.ref.tag, '1');
    assert.equal(td.ref.digest, SHA256);
  });

  test('requires the // and names the whole argument in errors', () => {
    rejects('docker:ubuntu', /"docker:ubuntu".*missing "\/\/"/);
    rejects('docker://Foo', /"docker:\/\/Foo": repository name must be lowercase/);
    rejects('docker://', /reference is empty/);
    rejects('docker://foo;id', /character ";"/);
    rejects('docker://admin:s3cret@quay.io/a/b', /credentials/);
  });

  test('never echoes a password in the error', () => {
    try {
      parseTransportReference('docker://admin:s3cret@quay.io/a/b');
      assert.fail('should throw');
    } catch (err) {
      assert.ok(err instanceof BadReferenceError);
      assert.doesNotMatch(err.message, /s3cret/);
    }
  });
});

describe('parseTransportReference: oci and oci-archive', () => {
  test('path only', () => {
    assert.deepEqual(parseTransportReference('oci:/tmp/layout'), { transport: 'oci', path: '/tmp/layout' });
    assert.deepEqual(parseTransportReference('oci-archive:./img.tar'), {
      transport: 'oci-archive',
      path: './img.tar',
    });
  });

  test('splits at the first ":" after the transport, as containers/image does', () => {
    assert.deepEqual(parseTransportReference('oci:/tmp/layout:app'), {
      transport: 'oci',
      path: '/tmp/layout',
      refName: 'app',
    });
    // The name may contain ":" (it is an OCI ref.name separator); the path never can.
    assert.deepEqual(parseTransportReference('oci:/tmp/layout:app:v1.2'), {
      transport: 'oci',
      path: '/tmp/layout',
      refName: 'app:v1.2',
    });
    assert.deepEqual(parseTransportReference('oci-archive:/x/img.tar:quay.io/a/b:1'), {
      transport: 'oci-archive',
      path: '/x/img.tar',
      refName: 'quay.io/a/b:1',
    });
  });

  test('a trailing ":" means no name', () => {
    assert.deepEqual(parseTransportReference('oci:/tmp/layout:'), { transport: 'oci', path: '/tmp/layout' });
  });

  test('rejects bad paths and names', () => {
    rejects('oci:', /oci: path is empty/);
    rejects('oci::name', /oci: path is empty/);
    rejects('oci:/tmp/l:@0', /source index "@0" is not supported/);
    rejects('oci:/tmp/l:bad name', /image name "bad name" is invalid/);
    rejects('oci:/tmp/l:-x', /image name "-x" is invalid/);
    rejects('oci:/tmp/l:a//b', /image name "a\/\/b" is invalid/);
    rejects('oci-archive:/tmp/\nx.tar', /control character/);
  });
});

describe('parseTransportReference: dir: and docker-archive:', () => {
  test('dir: takes the whole rest as the path, colons included', () => {
    assert.deepEqual(parseTransportReference('dir:/tmp/x'), { transport: 'dir', path: '/tmp/x' });
    assert.deepEqual(parseTransportReference('dir:/tmp/a:b'), { transport: 'dir', path: '/tmp/a:b' });
    rejects('dir:', /dir: path is empty/);
    rejects('dir:/tmp/\nx', /control character/);
  });

  test('docker-archive: path, normalised tagged reference, or @N source index', () => {
    assert.deepEqual(parseTransportReference('docker-archive:/x.tar'), {
      transport: 'docker-archive',
      path: '/x.tar',
    });
    assert.deepEqual(parseTransportReference('docker-archive:/x.tar:app:1.0'), {
      transport: 'docker-archive',
      path: '/x.tar',
      ref: { registry: 'docker.io', repository: 'library/app', tag: '1.0' },
    });
    // containers/image applies reference.TagNameOnly: an untagged name means :latest.
    assert.deepEqual(parseTransportReference('docker-archive:/x.tar:quay.io/a/b'), {
      transport: 'docker-archive',
      path: '/x.tar',
      ref: { registry: 'quay.io', repository: 'a/b', tag: 'latest' },
    });
    assert.deepEqual(parseTransportReference('docker-archive:/x.tar:@2'), {
      transport: 'docker-archive',
      path: '/x.tar',
      index: 2,
    });
  });

  test('docker-archive: refuses digests, bad names and bad indexes, naming the value', () => {
    rejects(`docker-archive:/x.tar:app@${SHA256}`, /digest references are not supported/);
    rejects('docker-archive:/x.tar:App', /invalid reference "App"/);
    rejects('docker-archive:/x.tar:@-1', /invalid source index "@-1"/);
    rejects('docker-archive:/x.tar:@x', /invalid source index "@x"/);
    rejects('docker-archive::app', /path is empty/);
  });
});

describe('parseTransportReference: missing or unsupported transport', () => {
  test('bare references suggest docker://', () => {
    rejects('ubuntu', /"ubuntu": missing transport; did you mean "docker:\/\/ubuntu"\?/);
    rejects('ubuntu:22.04', /did you mean "docker:\/\/ubuntu:22\.04"/);
    rejects('localhost:5000/foo', /did you mean "docker:\/\/localhost:5000\/foo"/);
    rejects('quay.io/a/b', /did you mean "docker:\/\/quay\.io\/a\/b"/);
  });

  test('other skopeo transports are named as unsupported', () => {
    rejects('containers-storage:foo', /transport "containers-storage:" is not supported by ferry/);
    rejects('docker-daemon:foo:latest', /transport "docker-daemon:" is not supported/);
  });

  test('unknown transports and garbage', () => {
    rejects('ftp:foo bar', /unknown transport "ftp:"/);
    rejects('', /expected TRANSPORT:REFERENCE/);
    rejects('Foo Bar', /expected TRANSPORT:REFERENCE/);
    rejects('DOCKER://ubuntu', /expected TRANSPORT:REFERENCE|unknown transport/);
  });
});

describe('formatTransportReference', () => {
  test('round-trips', () => {
    for (const input of [
      'docker://docker.io/library/ubuntu:latest',
      `docker://quay.io/a/b:1@${SHA256}`,
      'oci:/tmp/layout',
      'oci:/tmp/layout:app:v1',
      'oci-archive:/x.tar:name',
      'dir:/tmp/d',
      'docker-archive:/x.tar',
      'docker-archive:/x.tar:docker.io/library/app:1.0',
      'docker-archive:/x.tar:@0',
    ]) {
      assert.equal(formatTransportReference(parseTransportReference(input)), input);
    }
  });
});
