import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextLink } from './link-header.ts';

describe('nextLink', () => {
  test('distribution-style tags pagination', () => {
    assert.equal(nextLink('</v2/x/tags/list?last=a&n=2>; rel="next"'), '/v2/x/tags/list?last=a&n=2');
  });

  test('absolute URLs and referrers pagination', () => {
    assert.equal(
      nextLink('<https://r.example/v2/x/referrers/sha256:abc?n=10&last=b>; rel="next"'),
      'https://r.example/v2/x/referrers/sha256:abc?n=10&last=b',
    );
  });

  test('picks next among several links in one header', () => {
    assert.equal(
      nextLink('</v2/x/tags/list?n=2>; rel="first", </v2/x/tags/list?last=c&n=2>; rel="next"'),
      '/v2/x/tags/list?last=c&n=2',
    );
    assert.equal(nextLink('</p>; rel="prev",</n>; rel="next"'), '/n');
    assert.equal(nextLink('</p>; rel="prev"'), undefined);
  });

  test('commas inside a target do not split links', () => {
    assert.equal(nextLink('</v2/_catalog?last=a,b&n=2>; rel="next"'), '/v2/_catalog?last=a,b&n=2');
  });

  test('unquoted rel, other params first, any case, loose spacing', () => {
    assert.equal(nextLink('</v2/x/tags/list?last=a>; rel=next'), '/v2/x/tags/list?last=a');
    assert.equal(nextLink('</a>; type="text/plain"; rel="next"'), '/a');
    assert.equal(nextLink('</a>;REL="NEXT"'), '/a');
    assert.equal(nextLink('  </a>  ;  rel = "next"'), '/a');
  });

  test('absent or without next → undefined', () => {
    assert.equal(nextLink(undefined), undefined);
    assert.equal(nextLink(''), undefined);
    assert.equal(nextLink([]), undefined);
    assert.equal(nextLink('garbage'), undefined);
    assert.equal(nextLink('/v2/x; rel="next"'), undefined, 'target must be in <>');
  });

  test('array input (several Link headers)', () => {
    assert.equal(nextLink(['</p>; rel="prev"', '</n>; rel="next"']), '/n');
    assert.equal(nextLink(['</n1>; rel="next"', '</n2>; rel="next"']), '/n1');
  });

  test('relation types are compared whole, not by prefix', () => {
    assert.equal(nextLink('</archive>; rel="next-archive"'), undefined);
    assert.equal(nextLink('</x>; rel=nextpage'), undefined);
    assert.equal(nextLink('</archive>; rel="next-archive", </n>; rel="next"'), '/n');
  });
});
