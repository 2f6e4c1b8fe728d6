import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { formatIssues, labelsSchema, parseWithSchema, repositorySchema, tagSchema } from './field-schemas.ts';
import { TriggerError, TriggerErrorCode } from './trigger-error.ts';

test("checked strings report the value (escaped) and the rule's reason", () => {
  const result = repositorySchema.safeParse('Team/App');
  assert.ok(!result.success);
  assert.equal(result.error.issues[0]?.message, '"Team/App" is invalid: repository name must be lowercase');
  const long = tagSchema.safeParse('x'.repeat(2000));
  assert.ok(!long.success);
  assert.equal(long.error.issues.length, 1, 'only the length issue, not a rule issue on 2000 characters');
});

test('labels: count, keys and values are checked', () => {
  assert.ok(labelsSchema.safeParse({ 'ci.url': 'https://ci/1' }).success);
  const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
  assert.match(formatIssues(labelsSchema.safeParse(many).error?.issues ?? []), /at most 32 labels/);
  const bad = labelsSchema.safeParse({ 'bad key': 'v', ok: 'line\nbreak' });
  assert.ok(!bad.success);
  const message = formatIssues(bad.error.issues);
  assert.match(message, /\["bad key"\]: label name "bad key" is invalid/);
  assert.match(message, /ok: value contains a control character/);
  // Type errors come first (zod skips refinements of a value that failed its type).
  const typed = labelsSchema.safeParse({ n: 1 });
  assert.match(formatIssues(typed.error?.issues ?? []), /^n: Invalid input: expected string/);
});

test('parseWithSchema throws a 400 listing every problem by field, with unknown keys escaped', () => {
  const schema = z.strictObject({ repository: repositorySchema, tag: tagSchema });
  assert.deepEqual(parseWithSchema(schema, { repository: 'a/b', tag: 'v1' }, 'thing'), {
    repository: 'a/b',
    tag: 'v1',
  });
  assert.throws(
    () => parseWithSchema(schema, { repository: 'A', tag: '$(id)', 'evil\u001b[2Jkey': 1 }, 'thing'),
    (err) => {
      assert.ok(err instanceof TriggerError);
      assert.equal(err.code, TriggerErrorCode.InvalidBody);
      assert.equal(err.status, 400);
      assert.match(
        err.message,
        /^invalid thing: repository: "A" is invalid: .*; tag: "\$\(id\)" is invalid: .*; \(body\): unknown field "evil\\u001b\[2Jkey"$/,
      );
      assert.deepEqual(err.fields, ['repository', 'tag', '(body)']);
      assert.ok(!err.message.includes('\u001b'));
      return true;
    },
  );
});

test('long issue lists are cut short', () => {
  const schema = z.strictObject(
    Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, z.string()])),
  );
  assert.throws(() => parseWithSchema(schema, {}, 'thing'), /; and 4 more$/);
});
