import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { renderYaml } from './render-yaml.ts';

const OUTPUT = {
  header: ['header line', '', 'second paragraph'],
  manifests: [
    {
      comment: ['about the map'],
      object: {
        apiVersion: 'v1' as const,
        kind: 'ConfigMap' as const,
        metadata: { name: 'x' },
        data: { 'ferry.yaml': 'registry: "[::1]:5000"\n# a comment\n', port: '0440', yes: 'yes' },
      },
    },
    {
      comment: [],
      object: { apiVersion: 'v1' as const, kind: 'ServiceAccount' as const, metadata: { name: 'y' } },
    },
  ],
  footer: ['next steps'],
};

test('one document per object, comments as YAML comments, values round-trip exactly', () => {
  const text = renderYaml(OUTPUT);
  assert.ok(text.startsWith('# header line\n#\n# second paragraph\n---\n# about the map\napiVersion: v1\n'));
  assert.ok(text.endsWith('\n# next steps\n'));
  const docs = parseAllDocuments(text);
  assert.ok(Array.isArray(docs));
  const objects = docs.map((d) => d.toJS()).filter((o) => o !== null);
  assert.deepEqual(
    objects,
    OUTPUT.manifests.map((m) => m.object),
  );
  // Multi-line strings (the embedded ferry.yaml) are block literals, readable in the ConfigMap.
  assert.match(text, /ferry\.yaml: \|\n {4}registry: "\[::1\]:5000"\n {4}# a comment\n/);
});

test('a comment line with a newline is refused (it could smuggle YAML out of the comment)', () => {
  assert.throws(() =>
    renderYaml({ ...OUTPUT, manifests: [{ ...OUTPUT.manifests[1]!, comment: ['a\nkind: Secret'] }] }),
  );
});
