package dev.poolguard.autoconfigure.resilience;

import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One failure tells the pool about the others. HikariCP evicts the connection that saw a
 * connection-level failure, and only that one; but when PostgreSQL resets a connection
 * because the server crashed, is shutting down or terminated its backends, the pool's
 * idle connections died with it, and HikariCP would lend them out again (it does not test
 * a connection used in the last half second). Seeing such a failure on any connection,
 * this override evicts every pooled connection (idle ones now, busy ones when they are
 * returned), so no request that starts after the reset borrows a dead one.
 *
 * <p>
 * It is HikariCP's {@link SQLExceptionOverride}, the supported place to observe a
 * connection's failures; an override the application configured itself is still asked,
 * and its decision for the failing connection stands.
 *
 * @author PoolGuard
 */
final class ServerResetOverride implements SQLExceptionOverride {

	private static final Log logger = LogFactory.getLog(ServerResetOverride.class);

	/**
	 * Failures after which the pool's other connections are presumed dead: the server
	 * terminated backends or is shutting down (57P01), crashed and reset every backend
	 * (57P02), or the connection broke (08006, 08003).
	 */
	private static final Set<String> SERVER_RESET_STATES = Set.of("57P01", "57P02", "57P03", "08006", "08003");

	/** Resets closer together than this are one episode: one eviction, one log line. */
	private static final long EPISODE_NANOS = 1_000_000_000L;

	private final GuardedHikariDataSource pool;

	private final SQLExceptionOverride configured;

	private final AtomicLong lastEviction = new AtomicLong(System.nanoTime() - EPISODE_NANOS);

	ServerResetOverride(GuardedHikariDataSource pool, SQLExceptionOverride configured) {
		this.pool = pool;
		this.configured = configured;
	}

	@java.lang.Override
	public Override adjudicate(SQLException failure) {
		Override decision = (this.configured != null) ? this.configured.adjudicate(failure) : Override.CONTINUE_EVICT;
		String state = failure.getSQLState();
		if (state != null && SERVER_RESET_STATES.contains(state)) {
			evictTheOthers(failure);
		}
		return decision;
	}

	private void evictTheOthers(SQLException reset) {
		long now = System.nanoTime();
		long last = this.lastEviction.get();
		if (now - last < EPISODE_NANOS || !this.lastEviction.compareAndSet(last, now)) {
			return;
		}
		HikariPoolMXBean statistics = this.pool.getHikariPoolMXBean();
		if (statistics == null) {
			return;
		}
		int connections = statistics.getTotalConnections();
		statistics.softEvictConnections();
		String message = "a connection was reset by the server (" + AcquisitionFailureClassifier.describe(reset)
				+ "): the pool's " + connections + " connections were evicted (idle ones now, busy ones when returned)";
		logger.warn("PoolGuard: " + message);
		this.pool.events().record("server-reset", message);
	}

}
