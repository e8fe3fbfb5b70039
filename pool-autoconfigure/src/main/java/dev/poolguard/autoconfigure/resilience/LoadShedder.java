package dev.poolguard.autoconfigure.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * Admits a caller into acquisition only while the wait it can expect fits within the
 * pool's timeout, so that an overload the pool cannot serve in time is told at once
 * instead of timing out, while a pool that keeps up admits everyone.
 *
 * <p>
 * By Little's law a caller that finds {@code n} callers waiting ahead of it waits about
 * {@code (n + 1) / r}; it is admitted while that is within half the timeout, where {@code r} is the rate at which the pool hands out
 * connections. {@code r} is the pool's capacity as measured: the most connections it
 * handed out in one second over the last ten, so that the first second of a burst after a
 * quiet spell is not judged by the quiet. It is never taken below
 * {@code connection-limit / pool-timeout}, each connection coming back once within the
 * timeout, and nothing is shed by it before a whole second has been measured: until
 * then HikariCP's own timeout bounds every wait. {@code poolguard.max-waiting} stays a
 * hard cap on the callers waiting at once, a guard against piling up threads rather than
 * the shedding rule.
 *
 * <p>
 * Callers backing off between two attempts of a retry count as waiting. Every caller
 * counts itself in with one atomic increment before it looks at the pool, so callers
 * arriving together see each other; one that is not admitted leaves at once. Two such
 * callers racing may both leave where one could have stayed, never the reverse.
 *
 * @author PoolGuard
 */
final class LoadShedder {

	private static final int SECONDS = 10;

	private static final long SECOND_NANOS = 1_000_000_000L;

	/**
	 * Admit while the expected wait is within this share of pool-timeout: the rate
	 * fluctuates, and a caller whose expected wait is the whole timeout times out about
	 * half the time; HikariCP does not serve its waiters first come, first served, so the wait of one caller has a long tail.
	 */
	private static final double TARGET_SHARE_OF_TIMEOUT = 0.5;

	private final int maxWaiting;

	private final AtomicInteger inside = new AtomicInteger();

	/** Acquisitions per second, over the last ten seconds, by second. */
	private final AtomicLongArray served = new AtomicLongArray(SECONDS);

	private final AtomicLongArray secondOf = new AtomicLongArray(SECONDS);

	LoadShedder(int maxWaiting) {
		this.maxWaiting = maxWaiting;
	}

	/**
	 * Counts the calling thread in, unless it is to be turned away.
	 * @param pool the pool's statistics, or {@code null} before it started
	 * @param connectionLimit the pool's size
	 * @param poolTimeout how long a caller may wait for a connection
	 * @return {@code null} when the caller may go on (it must then call {@link #leave()}),
	 * else why it is turned away
	 */
	AcquisitionObserver.Rejection tryEnter(HikariPoolMXBean pool, int connectionLimit, Duration poolTimeout) {
		int inside = this.inside.incrementAndGet();
		if (pool == null) {
			return null;
		}
		int waiting = inside - pool.getIdleConnections();
		if (waiting <= 0) {
			return null;
		}
		AcquisitionObserver.Rejection rejection = null;
		if (waiting > this.maxWaiting) {
			rejection = AcquisitionObserver.Rejection.MAX_WAITING;
		}
		else if (waiting > admissible(connectionLimit, poolTimeout)) {
			rejection = AcquisitionObserver.Rejection.EXPECTED_WAIT;
		}
		if (rejection != null) {
			this.inside.decrementAndGet();
		}
		return rejection;
	}

	/**
	 * The most callers that can wait and still expect a connection within the timeout.
	 */
	private double admissible(int connectionLimit, Duration poolTimeout) {
		double capacity = capacityPerSecond();
		if (Double.isNaN(capacity)) {
			return Double.MAX_VALUE;
		}
		double seconds = Math.max(0.001, poolTimeout.toNanos() / 1e9);
		return Math.max(capacity, connectionLimit / seconds) * seconds * TARGET_SHARE_OF_TIMEOUT;
	}

	void leave() {
		this.inside.decrementAndGet();
	}

	/**
	 * A connection was handed out.
	 */
	void served() {
		long second = System.nanoTime() / SECOND_NANOS;
		int index = (int) (second % SECONDS);
		long previous = this.secondOf.get(index);
		if (previous != second && this.secondOf.compareAndSet(index, previous, second)) {
			this.served.set(index, 0);
		}
		this.served.incrementAndGet(index);
	}

	/**
	 * The most connections handed out in one whole second over the last ten, or NaN when
	 * no whole second has been measured.
	 */
	double capacityPerSecond() {
		long now = System.nanoTime() / SECOND_NANOS;
		double capacity = Double.NaN;
		for (int i = 0; i < SECONDS; i++) {
			long second = this.secondOf.get(i);
			if (second < now && now - second <= SECONDS) {
				long served = this.served.get(i);
				capacity = Double.isNaN(capacity) ? served : Math.max(capacity, served);
			}
		}
		return capacity;
	}

	int maxWaiting() {
		return this.maxWaiting;
	}

}
