/*
 * Builds the PGlite data-directory templates the unit run's tests copy (pglite-template-cache.ts):
 * scripts/test-unit.sh starts it beside its two test processes, which run the files needing no database
 * first. On a machine without the cache (a fresh CI runner) the ~12 CPU seconds of initdb and
 * migrations then overlap those tests instead of stalling both processes at their first database; the
 * cache's lock makes a process that gets there first wait for this build rather than repeat it. With the
 * cache warm this finds every directory and exits (~0.5 s).
 *
 * A template missing here is still built, by the first test that needs it; one listed here that no test
 * uses costs only the first cold run.
 */
import { WITH_QUEUE } from '../src/service/queue/queue.suite.ts';
import { PgliteTemplateCache } from '../src/service/store/pglite-template-cache.ts';
import { FIRST_MIGRATION, MIGRATED } from '../src/service/store/test-backends.ts';

const cache = new PgliteTemplateCache();
// In the order the tests need them: every other template starts from a copy of the first.
for (const template of [undefined, MIGRATED, WITH_QUEUE, FIRST_MIGRATION]) await cache.dir(template);
