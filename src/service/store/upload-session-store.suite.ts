/** Upload sessions, run once per backend (upload-session-store.pglite.test.ts; test/service/store-suites.postgres.test.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { insertPromotion } from './promotion-insert.ts';
import { transition } from './promotion-transition.ts';
import { newPromotion } from './store.suite.ts';
import { MIGRATED, type TestBackend } from './test-backends.ts';
import {
  deleteUploadSession,
  findUploadSession,
  forgetFinishedUploadSessions,
  saveUploadSession,
  uploadSessionsOf,
} from './upload-session-store.ts';

const LAYER = `sha256:${'1'.repeat(64)}`;
const OTHER = `sha256:${'2'.repeat(64)}`;

export function uploadSessionSuite(backend: TestBackend): void {
  describe(`upload sessions on ${backend.name}`, () => {
    test('saved per promotion and blob, moved forward chunk by chunk, deleted one by one', async (t) => {
      const { db } = await backend.fresh(MIGRATED);
      t.after(() => db.close());
      const { id } = (await insertPromotion(db, newPromotion())).promotion;
      const { id: otherId } = (await insertPromotion(db, newPromotion({ seed: 'b' }))).promotion;
      const key = { promotionId: id, registry: 'reg.prod:5000', repository: 'team/app', digest: LAYER };

      assert.equal(await findUploadSession(db, key), undefined);
      const big = 5 * 1024 ** 3; // bigint column: blobs above 2 GiB come back as numbers too
      await saveUploadSession(
        db,
        key,
        {
          location: 'https://reg.prod:5000/v2/team/app/blobs/uploads/u1?_state=a',
          uploadedBytes: 16,
          prefixDigest: 'sha256:aa',
        },
        'a/1',
      );
      await saveUploadSession(
        db,
        key,
        {
          location: 'https://reg.prod:5000/v2/team/app/blobs/uploads/u1?_state=b',
          uploadedBytes: big,
          prefixDigest: 'sha256:bb',
        },
        'b/2',
      );
      await saveUploadSession(
        db,
        { ...key, digest: OTHER },
        { location: 'l2', uploadedBytes: 1, prefixDigest: 'p' },
        'a/1',
      );
      await saveUploadSession(
        db,
        { ...key, promotionId: otherId },
        { location: 'l3', uploadedBytes: 2, prefixDigest: 'q' },
        'a/1',
      );

      assert.deepEqual(await findUploadSession(db, key), {
        location: 'https://reg.prod:5000/v2/team/app/blobs/uploads/u1?_state=b',
        uploadedBytes: big,
        prefixDigest: 'sha256:bb',
      });
      assert.equal(await findUploadSession(db, { ...key, repository: 'team/other' }), undefined);
      assert.deepEqual(
        (await uploadSessionsOf(db, id)).map((s) => [s.digest, s.uploadedBytes]),
        [
          [LAYER, big],
          [OTHER, 1],
        ],
      );
      await deleteUploadSession(db, key);
      assert.equal(await findUploadSession(db, key), undefined);
      assert.equal((await uploadSessionsOf(db, id)).length, 1);
      assert.equal((await uploadSessionsOf(db, otherId)).length, 1, "another promotion's session stays");
    });

    test('a promotion that will run again keeps its sessions; a finished one loses them', async (t) => {
      const { db } = await backend.fresh(MIGRATED);
      t.after(() => db.close());
      const { id } = (await insertPromotion(db, newPromotion())).promotion;
      const key = { promotionId: id, registry: 'reg.prod:5000', repository: 'team/app', digest: LAYER };
      await saveUploadSession(db, key, { location: 'l', uploadedBytes: 16, prefixDigest: 'p' }, 'a/1');

      await transition(db, id, ['queued'], 'running');
      assert.equal(await forgetFinishedUploadSessions(db, id), 0, 'running');
      await transition(db, id, ['running'], 'queued', { reason: 'retrying' });
      assert.equal(await forgetFinishedUploadSessions(db, id), 0, 'queued for a retry');
      assert.notEqual(await findUploadSession(db, key), undefined);
      await transition(db, id, ['queued'], 'cancelled');
      assert.equal(await forgetFinishedUploadSessions(db, id), 1);
      assert.equal(await findUploadSession(db, key), undefined);
    });
  });
}
