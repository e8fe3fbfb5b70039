package dev.poolguard.autoconfigure.resilience;

import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * {@code poolguard.max-waiting} as a bound that holds: at most that many callers wait
 * for a connection beyond those an idle connection can serve at once, counting the
 * callers backing off between retries. Every caller counts itself in with one atomic
 * increment before it looks at the pool, so callers arriving together see each other;
 * a caller that finds the bound reached leaves at once. Two such callers racing may both
 * leave where one could have stayed, never the reverse.
 *
 * @author PoolGuard
 */
final class WaitingLimit {

	private final int maxWaiting;

	private final AtomicInteger inside = new AtomicInteger();

	WaitingLimit(int maxWaiting) {
		this.maxWaiting = maxWaiting;
	}

	/**
	 * Counts the calling thread in, unless the bound is reached.
	 * @param pool the pool's statistics, or {@code null} before it started
	 * @return whether the caller may go on; if so it must call {@link #leave()}
	 */
	boolean tryEnter(HikariPoolMXBean pool) {
		int inside = this.inside.incrementAndGet();
		if (pool == null || inside <= this.maxWaiting || inside <= pool.getIdleConnections() + this.maxWaiting) {
			return true;
		}
		this.inside.decrementAndGet();
		return false;
	}

	void leave() {
		this.inside.decrementAndGet();
	}

	int maxWaiting() {
		return this.maxWaiting;
	}

	int inside() {
		return this.inside.get();
	}

}
