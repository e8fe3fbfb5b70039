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
 * A write that meets a read-only server ({@code 25006}: the endpoint reaches a standby, an
 * old primary restarted as one, or a server turned read-only) is a database failure too:
 * the connection is evicted (HikariCP would keep it, {@code 25006} is no connection error)
 * and so are the others, which reach the same server; the connections opened next must
 * reach a primary (PoolGuard has pgjdbc refuse any other, {@code targetServerType=primary}).
 * The same state comes from a write inside a read-only transaction: then the pool is
 * refreshed for nothing, at most once a second, and the log line says so.
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

	/** A write met a read-only transaction: a standby, or a server turned read-only. */
	private static final String READ_ONLY_STATE = "25006";

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
			evictTheOthers(failure, "a connection was reset by the server", "server-reset");
		}
		if (READ_ONLY_STATE.equals(state)) {
			evictTheOthers(failure, "a write met a read-only server (a standby, or a primary turned read-only; "
					+ "or a read-only transaction, if the server is a primary)", "read-only-server");
			return (decision == Override.DO_NOT_EVICT) ? decision : Override.MUST_EVICT;
		}
		return decision;
	}

	private void evictTheOthers(SQLException reset, String what, String event) {
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
		String message = what + " (" + AcquisitionFailureClassifier.describe(reset)
				+ "): the pool's " + connections + " connections were evicted (idle ones now, busy ones when returned)";
		logger.warn("PoolGuard: " + message);
		this.pool.events().record(event, message);
	}

}
