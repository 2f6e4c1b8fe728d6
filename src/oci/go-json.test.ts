import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { goJson, goJsonString } from './go-json.ts';

describe('goJson (encoding/json compatible output)', () => {
  test('escapes HTML characters, U+2028/U+2029 and control characters as Go does', () => {
    assert.equal(goJsonString('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
    assert.equal(goJsonString('x\u2028y\u2029'), '"x\\u2028y\\u2029"');
    assert.equal(goJsonString('\n\r\t\b\f\u0001"\\'), '"\\n\\r\\t\\u0008\\u000c\\u0001\\"\\\\"');
    assert.equal(goJsonString('é😀'), '"é😀"');
    assert.equal(goJsonString('bad\ud800x'), '"bad\ufffdx"');
  });

  test('writes struct fields in order, skips undefined, and sorts map keys bytewise', () => {
    const map = new Map<string, string>([
      ['b', '1'],
      ['10', '2'],
      ['9', '3'],
      ['é', '4'],
      ['😀', '5'],
      ['\uffff', '6'],
    ]);
    assert.equal(
      goJson({ z: 1, a: undefined, m: map, l: [true, null] }),
      '{"z":1,"m":{"10":"2","9":"3","b":"1","é":"4","\uffff":"6","😀":"5"},"l":[true,null]}',
    );
  });
});
