package dev.poolguard.autoconfigure.resilience;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * Admits a caller into acquisition only while the wait it can expect fits within the
 * pool's timeout, so that an overload the pool cannot serve in time is told at once
 * instead of timing out, while a pool that keeps up admits everyone.
 *
 * <p>
 * By Little's law a caller that finds {@code n} callers waiting ahead of it waits about
 * {@code (n + 1) / r}, where {@code r} is the rate at which the pool hands out
 * connections; it is admitted while that is within three quarters of the timeout.
 * {@code r} is the pool's capacity as measured: the most connections it handed out in one
 * second over the last ten, so that the first second of a burst after a quiet spell is not
 * judged by the quiet. It is never taken below
 * {@code connection-limit / pool-timeout}, each connection coming back once within the
 * timeout, and nothing is shed by it before a whole second has been measured: until
 * then HikariCP's own timeout bounds every wait. {@code poolguard.max-waiting} stays a
 * hard cap on the callers waiting at once, a guard against piling up threads rather than
 * the shedding rule.
 *
 * <p>
 * Callers backing off between two attempts of a retry count as waiting. Every caller
 * counts itself in before it looks at the pool, so callers arriving together see each
 * other; one that is not admitted leaves at once. Two such callers racing may both leave
 * where one could have stayed, never the reverse. Below the smallest number any rule
 * would turn away, the pool is not even asked: the success path costs one atomic
 * increment and decrement.
 *
 * @author PoolGuard
 */
final class LoadShedder {

	/**
	 * Admit while the expected wait is within this share of pool-timeout: the rate
	 * fluctuates, and HikariCP does not serve its waiters first come, first served, so
	 * the wait of one caller has a long tail.
	 */
	private static final double TARGET_SHARE_OF_TIMEOUT = 0.75;

	private static final long SECOND_NANOS = 1_000_000_000L;

	/** How far back the capacity is remembered. */
	private static final int SECONDS = 10;

	private final int maxWaiting;

	/**
	 * Callers inside acquisition, counted exactly. (A striped counter writes less, but
	 * reading its sum on every acquisition cost more than it saved, measured at 4 threads.)
	 */
	private final AtomicInteger inside = new AtomicInteger();

	/** Connections handed out, ever. */
	private final LongAdder served = new LongAdder();

	private final long[] snapshotNanos = new long[SECONDS + 1];

	private final long[] snapshotServed = new long[SECONDS + 1];

	private int snapshots;

	private volatile long nextSnapshot = System.nanoTime();

	private volatile double capacity = Double.NaN;

	LoadShedder(int maxWaiting) {
		this.maxWaiting = maxWaiting;
	}

	/**
	 * Counts the calling thread in, unless it is to be turned away.
	 * @param pool the pool's statistics, or {@code null} before it started
	 * @param connectionLimit the pool's size
	 * @param poolTimeoutMillis how long a caller may wait for a connection
	 * @return {@code null} when the caller may go on (it must then call {@link #leave()}),
	 * else why it is turned away
	 */
	AcquisitionObserver.Rejection tryEnter(HikariPoolMXBean pool, int connectionLimit, long poolTimeoutMillis) {
		long inside = this.inside.incrementAndGet();
		if (pool == null || inside <= Math.min(this.maxWaiting, connectionLimit * TARGET_SHARE_OF_TIMEOUT)) {
			// Fewer callers than any rule would turn away: no need to ask the pool.
			return null;
		}
		long waiting = inside - pool.getIdleConnections();
		if (waiting <= 0) {
			return null;
		}
		AcquisitionObserver.Rejection rejection = null;
		if (waiting > this.maxWaiting) {
			rejection = AcquisitionObserver.Rejection.MAX_WAITING;
		}
		else if (waiting > admissible(connectionLimit, poolTimeoutMillis)) {
			rejection = AcquisitionObserver.Rejection.EXPECTED_WAIT;
		}
		if (rejection != null) {
			this.inside.decrementAndGet();
		}
		return rejection;
	}

	/**
	 * The most callers that can wait and still expect a connection within the target.
	 */
	private double admissible(int connectionLimit, long poolTimeoutMillis) {
		double capacity = this.capacity;
		if (Double.isNaN(capacity)) {
			return Double.MAX_VALUE;
		}
		double seconds = Math.max(0.001, poolTimeoutMillis / 1e3);
		return Math.max(capacity, connectionLimit / seconds) * seconds * TARGET_SHARE_OF_TIMEOUT;
	}

	void leave() {
		this.inside.decrementAndGet();
	}

	/**
	 * A connection was handed out.
	 */
	void served() {
		this.served.increment();
		long now = System.nanoTime();
		if (now - this.nextSnapshot >= 0) {
			snapshot(now);
		}
	}

	/**
	 * Once a second at most: the count of connections handed out, and the capacity, the
	 * most handed out in one second over the last ten. A gap longer than two seconds (no
	 * traffic) measures nothing.
	 */
	private synchronized void snapshot(long now) {
		if (now - this.nextSnapshot < 0) {
			return;
		}
		this.nextSnapshot = now + SECOND_NANOS;
		System.arraycopy(this.snapshotNanos, 1, this.snapshotNanos, 0, SECONDS);
		System.arraycopy(this.snapshotServed, 1, this.snapshotServed, 0, SECONDS);
		this.snapshotNanos[SECONDS] = now;
		this.snapshotServed[SECONDS] = this.served.sum();
		this.snapshots = Math.min(this.snapshots + 1, SECONDS + 1);
		double capacity = Double.NaN;
		for (int i = SECONDS - this.snapshots + 2; i <= SECONDS; i++) {
			long nanos = this.snapshotNanos[i] - this.snapshotNanos[i - 1];
			if (now - this.snapshotNanos[i - 1] <= SECONDS * SECOND_NANOS && nanos <= 2 * SECOND_NANOS) {
				double perSecond = (this.snapshotServed[i] - this.snapshotServed[i - 1]) * 1e9 / nanos;
				capacity = Double.isNaN(capacity) ? perSecond : Math.max(capacity, perSecond);
			}
		}
		this.capacity = capacity;
	}

	/**
	 * The most connections handed out per second over the last ten seconds, or NaN while
	 * no whole second has been measured.
	 */
	double capacityPerSecond() {
		return this.capacity;
	}

	int maxWaiting() {
		return this.maxWaiting;
	}

}
