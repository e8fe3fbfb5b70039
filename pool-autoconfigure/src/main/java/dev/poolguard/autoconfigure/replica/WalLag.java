package dev.poolguard.autoconfigure.replica;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Replication lag as the age of the oldest WAL position the primary had written that the
 * replica has not replayed yet: zero whenever the replica has replayed everything the
 * primary had written, however long ago that was. An idle primary writes nothing, so a
 * replica is never late behind it, unlike with "now minus the last replayed transaction's
 * time".
 *
 * @author PoolGuard
 */
final class WalLag {

	/** A day of samples a second: more than any replica worth reading from lags. */
	private static final int MAX_SAMPLES = 86_400;

	/** The primary's positions not yet replayed, oldest first, each with when it was read. */
	private final Deque<long[]> written = new ArrayDeque<>();

	/**
	 * Records the primary's current WAL position.
	 * @param lsn {@code pg_current_wal_lsn()} as a number
	 * @param nanos when it was read ({@link System#nanoTime()})
	 */
	synchronized void primaryAt(long lsn, long nanos) {
		long[] newest = this.written.peekLast();
		if (newest == null || lsn > newest[0]) {
			if (this.written.size() == MAX_SAMPLES) {
				this.written.removeFirst();
			}
			this.written.addLast(new long[] { lsn, nanos });
		}
	}

	/**
	 * The lag, given how far the replica has replayed.
	 * @param replayedLsn {@code pg_last_wal_replay_lsn()} as a number
	 * @param nanos now ({@link System#nanoTime()})
	 * @return the age of the oldest position not replayed, or zero
	 */
	synchronized Duration replicaAt(long replayedLsn, long nanos) {
		while (!this.written.isEmpty() && this.written.peekFirst()[0] <= replayedLsn) {
			this.written.removeFirst();
		}
		long[] oldest = this.written.peekFirst();
		return (oldest != null) ? Duration.ofNanos(Math.max(0, nanos - oldest[1])) : Duration.ZERO;
	}

	/**
	 * A WAL position as PostgreSQL writes it ({@code 16/B374D848}) as one number.
	 * @param lsn the position
	 * @return the number
	 */
	static long parse(String lsn) {
		int slash = lsn.indexOf('/');
		return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
	}

}
