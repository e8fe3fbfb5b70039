package dev.poolguard.autoconfigure.resilience;

/**
 * What PoolGuard relies on in HikariCP that is not its API, in one place:
 * {@code HikariBehaviourTests} fails when a HikariCP upgrade changes any of it.
 * <ul>
 * <li>HikariCP opens a pool's connections on one thread named
 * {@code "<pool name>:connection-adder"}: PoolGuard's connector probes an unreachable
 * server from that thread only, never from a caller's.</li>
 * <li>HikariCP's timeout when no connection came free says
 * {@value #POOL_TIMEOUT_MESSAGE}, with no cause when no connection attempt failed: that
 * is a busy pool, not a database failure.</li>
 * <li>A thread waiting in HikariCP's {@code getConnection()} can only be woken by an
 * interrupt, upon which HikariCP fails it at once: that is how PoolGuard releases waiting
 * callers when the server becomes unreachable.</li>
 * </ul>
 *
 * @author PoolGuard
 */
final class HikariBehaviour {

	static final String CONNECTION_ADDER_SUFFIX = ":connection-adder";

	static final String POOL_TIMEOUT_MESSAGE = "Connection is not available, request timed out";

	private HikariBehaviour() {
	}

	/**
	 * Whether the calling thread is the one HikariCP opens its pool's connections on.
	 * @return whether it is the connection adder
	 */
	static boolean onConnectionAdder() {
		return Thread.currentThread().getName().endsWith(CONNECTION_ADDER_SUFFIX);
	}

	/**
	 * Whether a failure is HikariCP's timeout for a connection that did not come free.
	 * @param failure the failure
	 * @return whether it is the pool's timeout
	 */
	static boolean isPoolTimeout(Throwable failure) {
		return failure.getMessage() != null && failure.getMessage().contains(POOL_TIMEOUT_MESSAGE);
	}

	/**
	 * Wakes a thread waiting in HikariCP's {@code getConnection()}, which then fails.
	 * @param waiter the waiting thread
	 */
	static void release(Thread waiter) {
		waiter.interrupt();
	}

}
