import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { fastRegistries, repoOn } from '../support/library.ts';

const rig = await withRig({ after }, { anonymous: true });
const anon = rig.anonymous!;

test('tags list: the whole list from the real registry, and Link pagination followed to the last page', async () => {
  const image = await buildImage({ layers: [1_000], seed: 'tags-list' });
  after(() => image.dispose());
  const tags = ['a1', 'b2', 'c3', 'd4', 'e5'];
  for (const tag of tags) await pushImage(anon, 'paged/app', tag, image);
  const registries = fastRegistries();
  after(() => registries.close());
  const direct = await repoOn(registries, anon, 'paged/app', false);
  assert.deepEqual((await direct.listTags()).sort(), tags);

  // distribution 2.8 ignores `n` and never sends a Link header, so the pages come from the proxy, shaped
  // as the spec ("Listing Tags") and distribution 3 send them: a relative next link carrying `last`,
  // then an absolute one, then a last page without a link.
  const proxy = await rig.startFaultProxy(anon.url);
  const page = (body: string[], link?: string) => ({
    kind: 'respond' as const,
    body: JSON.stringify({ name: 'paged/app', tags: body }),
    headers: { 'content-type': 'application/json', ...(link ? { link } : {}) },
  });
  proxy.addFault({
    method: 'GET',
    path: /\/tags\/list\?n=2$/,
    ...page(['a1', 'b2'], '</v2/paged/app/tags/list?n=2&last=b2>; rel="next"'),
  });
  proxy.addFault({
    method: 'GET',
    path: /last=b2/,
    ...page(['c3', 'd4'], `<${proxy.url}/v2/paged/app/tags/list?n=2&last=d4>; rel="next"`),
  });
  proxy.addFault({ method: 'GET', path: /last=d4/, ...page(['e5']) });
  const paged = await repoOn(registries, { ...anon, host: proxy.host, url: proxy.url }, 'paged/app', false);
  assert.deepEqual(await paged.listTags(undefined, 2), tags);
  const asked = proxy.requests.filter((r) => r.path.includes('/tags/list')).map((r) => r.path);
  assert.deepEqual(asked, [
    '/v2/paged/app/tags/list?n=2',
    '/v2/paged/app/tags/list?n=2&last=b2',
    '/v2/paged/app/tags/list?n=2&last=d4',
  ]);
});
