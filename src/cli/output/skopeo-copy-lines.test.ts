import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { skopeoCopyLines } from './skopeo-copy-lines.ts';

function capture(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { out, text: () => text };
}

test("skopeo's report lines, in skopeo's order", () => {
  const { out, text } = capture();
  const lines = skopeoCopyLines(out);
  lines.onEvent({ type: 'resolved', source: 'r/a:v1', digest: 'sha256:m', mediaType: 'x' });
  lines.onEvent({
    type: 'blob-start',
    digest: 'sha256:1',
    size: 1,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  });
  lines.onEvent({ type: 'blob-done', digest: 'sha256:1', size: 1, action: 'copied' });
  lines.onEvent({
    type: 'blob-start',
    digest: 'sha256:2',
    size: 1,
    mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  });
  lines.onEvent({
    type: 'blob-start',
    digest: 'sha256:3',
    size: 1,
    mediaType: 'application/vnd.docker.container.image.v1+json',
  });
  lines.onEvent({
    type: 'blob-start',
    digest: 'sha256:4',
    size: 1,
    mediaType: 'application/vnd.oci.image.config.v1+json',
  });
  lines.onEvent({ type: 'manifest', digest: 'sha256:c', mediaType: 'x', reference: 'sha256:c' });
  lines.onEvent({ type: 'manifest', digest: 'sha256:m', mediaType: 'x', reference: 'v1' });
  lines.finish();
  assert.equal(
    text(),
    'Getting image source signatures\n' +
      'Copying blob sha256:1\n' +
      'Copying blob sha256:2\n' +
      'Copying config sha256:3\n' +
      'Copying config sha256:4\n' +
      'Writing manifest to image destination\n' +
      'Storing signatures\n',
  );
});

test('an up-to-date copy still reports the manifest write, as skopeo does', () => {
  const { out, text } = capture();
  const lines = skopeoCopyLines(out);
  lines.onEvent({ type: 'up-to-date', destination: 'r/a:v1', digest: 'sha256:m' });
  lines.finish();
  assert.equal(
    text(),
    'Getting image source signatures\nWriting manifest to image destination\nStoring signatures\n',
  );
});
