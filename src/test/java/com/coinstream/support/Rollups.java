package com.coinstream.support;

/**
 * The leaderboard and earnings rollups are applied from a queue shortly after each gift batch commits (migration V14,
 * RollupApplier). A test that reads them right after sending gifts first applies what is queued, with the same SQL
 * function the service's applier calls, and waits for the queue to be empty.
 */
public final class Rollups {
    private Rollups() {
    }

    public static void drain() {
        for (int attempt = 0; attempt < 200; attempt++) {
            Db.rows(Db.TEST_SCHEMA, "select apply_rollup_queue(100000)");
            // empty, and whole: after a crash emptied them, the queue is empty too, but until a round has rebuilt them
            // (this call's, or the service's applier's, which may hold the lock) the rollups are not yet there
            if (Db.number(Db.TEST_SCHEMA, "select count(*) from rollup_queue") == 0
                    && Db.number(Db.TEST_SCHEMA, "select rollups_whole()::int") > 0) {
                return;
            }
            try {
                Thread.sleep(25); // (the service's applier holds the lock for a moment)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the rollup queue did not drain");
    }
}
