import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { goCompact, topLevelMembers } from './go-json.ts';

describe('goCompact', () => {
  test('drops whitespace outside strings and keeps number text as written', () => {
    assert.equal(goCompact('{ "a" : [ 1.0 , 2e3 ],\n\t"b": "x y" }'), '{"a":[1.0,2e3],"b":"x y"}');
  });

  test('escapes HTML characters and line separators inside strings, keeps other escapes', () => {
    assert.equal(goCompact('"<a & b>\\n\\"\u2028"'), '"\\u003ca \\u0026 b\\u003e\\n\\"\\u2028"');
  });
});

describe('topLevelMembers', () => {
  test('returns raw member text, nested structures and strings with brackets included', () => {
    const members = topLevelMembers('{"os":"linux", "config": {"Cmd":["a]","}"]} ,"n":12.50,"z":null}');
    assert.deepEqual(
      [...members],
      [
        ['os', '"linux"'],
        ['config', '{"Cmd":["a]","}"]}'],
        ['n', '12.50'],
        ['z', 'null'],
      ],
    );
  });

  test('decodes escaped keys; a duplicated key keeps the last value, as Go does', () => {
    assert.deepEqual([...topLevelMembers('{"\\u006fs":"a","os":"b"}')], [['os', '"b"']]);
  });

  test('an empty object has no members; a non-object is refused', () => {
    assert.equal(topLevelMembers(' {} ').size, 0);
    assert.throws(() => topLevelMembers('[1]'), /not a JSON object/);
  });
});
