package dev.poolguard.autoconfigure.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.resilience.DatabaseUnavailableException;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * Where read-only work goes: the {@code DataSource} PoolGuard gives Spring's
 * {@code LazyConnectionDataSourceProxy} as its read-only data source. It hands out the
 * replica's connections while the replica can serve, and the primary's (read-only) while
 * it cannot: its breaker is open or an acquisition failed for want of the server, its side
 * connection fails, or it lags more than {@code poolguard.replica.max-lag}. Every
 * {@code poolguard.replica.check-interval} it measures reachability and lag over side
 * connections, and sends read-only work back to the replica once it serves again and has
 * caught up. Each switch is one log line, an event of the replica pool in
 * {@code /actuator/poolguard}, and a count in {@code poolguard.replica.switches}.
 *
 * @author PoolGuard
 */
public final class ReplicaRouting implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ReplicaRouting.class);

	/** Where read-only work goes. */
	public enum Target {

		/** The read replica. */
		REPLICA,

		/** The primary, while the replica cannot serve. */
		PRIMARY

	}

	private final Supplier<TunedPool> primary;

	private final Supplier<TunedPool> replica;

	private final Duration maxLag;

	private final Duration checkInterval;

	private final WalLag walLag = new WalLag();

	private final AtomicLong toReplica = new AtomicLong();

	private final AtomicLong toPrimary = new AtomicLong();

	private final AtomicLong switchesToReplica = new AtomicLong();

	private final AtomicLong switchesToPrimary = new AtomicLong();

	private volatile Target target = Target.REPLICA;

	private volatile String reason = "the replica has not been checked yet";

	private volatile Instant since = Instant.now();

	private volatile Duration lag;

	private ScheduledExecutorService checker;

	private final DataSource readOnlyDataSource = new ReadOnlyDataSource();

	ReplicaRouting(Supplier<TunedPool> primary, Supplier<TunedPool> replica, Duration maxLag, Duration checkInterval) {
		this.primary = primary;
		this.replica = replica;
		this.maxLag = maxLag;
		this.checkInterval = checkInterval;
	}

	/**
	 * The data source PoolGuard gives Spring's {@code LazyConnectionDataSourceProxy} for
	 * read-only work. Not a bean: the application has one {@code DataSource}.
	 * @return the read-only data source
	 */
	public DataSource readOnlyDataSource() {
		return this.readOnlyDataSource;
	}

	private Connection readOnlyConnection() throws SQLException {
		TunedPool replicaPool = this.replica.get();
		if (this.target == Target.REPLICA && replicaPool != null) {
			try {
				Connection connection = replicaPool.dataSource().getConnection();
				this.toReplica.incrementAndGet();
				return connection;
			}
			catch (SQLException ex) {
				if (isServerUnavailable(ex)) {
					switchTo(Target.PRIMARY, "the replica could not give a connection: " + describe(ex));
				}
				else {
					logger.debug("PoolGuard served one read-only connection from the primary: " + describe(ex));
				}
			}
		}
		Connection connection = this.primary.get().dataSource().getConnection();
		try {
			connection.setReadOnly(true);
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
		this.toPrimary.incrementAndGet();
		return connection;
	}

	private final class ReadOnlyDataSource extends AbstractDataSource {

		@Override
		public Connection getConnection() throws SQLException {
			return readOnlyConnection();
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			throw new UnsupportedOperationException("PoolGuard's pools log in with their own credentials");
		}

	}

	/**
	 * Where read-only work goes now.
	 * @return the target
	 */
	public Target target() {
		return this.target;
	}

	/**
	 * The replication lag last measured.
	 * @return the lag, or {@code null} when it could not be measured
	 */
	public Duration lag() {
		return this.lag;
	}

	/**
	 * How often read-only connections came from each server since startup.
	 * @param target a server
	 * @return the count
	 */
	public long routed(Target target) {
		return (target == Target.REPLICA) ? this.toReplica.get() : this.toPrimary.get();
	}

	/**
	 * How often read-only work switched to a server since startup.
	 * @param target the server it switched to
	 * @return the count
	 */
	public long switches(Target target) {
		return (target == Target.REPLICA) ? this.switchesToReplica.get() : this.switchesToPrimary.get();
	}

	/**
	 * The routing as the actuator shows it.
	 * @return the state as a map
	 */
	public Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("target", this.target.name());
		map.put("reason", this.reason);
		map.put("since", this.since.toString());
		Duration currentLag = this.lag;
		map.put("lagMillis", (currentLag != null) ? currentLag.toMillis() : null);
		map.put("maxLagMillis", this.maxLag.toMillis());
		map.put("routedToReplica", this.toReplica.get());
		map.put("routedToPrimary", this.toPrimary.get());
		return map;
	}

	/**
	 * Measures the replica once: reachability and lag, and whether it serves again.
	 */
	void check() {
		TunedPool primaryPool = this.primary.get();
		TunedPool replicaPool = this.replica.get();
		if (replicaPool == null) {
			switchTo(Target.PRIMARY, "PoolGuard does not guard the replica pool (poolguard.pools."
					+ PoolGuardReplicaAutoConfiguration.REPLICA_BEAN + ".enabled=false)");
			return;
		}
		Long primaryLsn = null;
		try {
			primaryLsn = WalLag.parse(queryText(primaryPool, "SELECT pg_current_wal_lsn()::text"));
			this.walLag.primaryAt(primaryLsn, System.nanoTime());
		}
		catch (SQLException | RuntimeException ex) {
			// The primary is not answering: nothing to compare with, and nowhere better to go.
			logger.debug("PoolGuard could not read the primary's WAL position: " + describe(ex));
		}
		String replayed;
		try {
			replayed = queryText(replicaPool,
					"SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END");
		}
		catch (SQLException | RuntimeException ex) {
			this.lag = null;
			switchTo(Target.PRIMARY, "the replica does not answer: " + describe(ex));
			return;
		}
		// A server out of recovery (promoted) replays nothing: it is as current as it gets.
		Duration measured = (replayed != null) ? this.walLag.replicaAt(WalLag.parse(replayed), System.nanoTime())
				: Duration.ZERO;
		this.lag = measured;
		// Without the primary's position now, WAL it wrote before it went away would look
		// ever later: the primary that is gone is no better place for read-only work.
		if (primaryLsn != null && !this.maxLag.isZero() && measured.compareTo(this.maxLag) > 0) {
			switchTo(Target.PRIMARY, "the replica lags " + display(measured) + " behind the primary, more than "
					+ "poolguard.replica.max-lag " + display(this.maxLag));
			return;
		}
		if (this.target == Target.PRIMARY) {
			// Through the replica pool and its breaker: back only when it really serves.
			try (Connection connection = replicaPool.dataSource().getConnection()) {
				switchTo(Target.REPLICA, "the replica serves again"
						+ ((primaryLsn != null) ? " and lags " + display(measured) : ""));
			}
			catch (SQLException ex) {
				logger.debug("PoolGuard keeps read-only work on the primary: " + describe(ex));
			}
		}
		else if (this.reason.startsWith("the replica has not been checked")) {
			this.reason = "the replica serves, lagging " + display(measured);
		}
	}

	private synchronized void switchTo(Target next, String why) {
		if (this.target == next) {
			return;
		}
		this.target = next;
		this.reason = why;
		this.since = Instant.now();
		String message = "PoolGuard sends read-only work to the " + next.name().toLowerCase() + ": " + why + ".";
		if (next == Target.PRIMARY) {
			this.switchesToPrimary.incrementAndGet();
			logger.warn(message);
		}
		else {
			this.switchesToReplica.incrementAndGet();
			logger.info(message);
		}
		TunedPool replicaPool = this.replica.get();
		if (replicaPool != null && replicaPool.dataSource() instanceof GuardedHikariDataSource guarded) {
			guarded.events().record("read-only-to-" + next.name().toLowerCase(), message);
		}
	}

	private static String queryText(TunedPool pool, String sql) throws SQLException {
		try (Connection connection = pool.sideConnections().open();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

	/** The replica's server is gone, full or refusing: not a busy pool. */
	private static boolean isServerUnavailable(SQLException failure) {
		if (failure instanceof DatabaseUnavailableException) {
			return true;
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null) {
				String state = sql.getSQLState();
				if (state.startsWith("08") || state.startsWith("57P0") || state.equals("53300")) {
					return true;
				}
			}
			if (cause instanceof java.net.ConnectException) {
				return true;
			}
		}
		return false;
	}

	private static String describe(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	private static String display(Duration duration) {
		long millis = duration.toMillis();
		return (millis < 1000) ? millis + "ms" : String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
	}

	@Override
	public synchronized void start() {
		if (this.checker != null) {
			return;
		}
		this.checker = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "poolguard-replica");
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.checkInterval.toNanos();
		this.checker.scheduleWithFixedDelay(this::checkSafely, 0, interval, TimeUnit.NANOSECONDS);
	}

	private void checkSafely() {
		try {
			check();
		}
		catch (RuntimeException ex) {
			logger.debug("PoolGuard's replica check failed", ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.checker != null) {
			this.checker.shutdownNow();
			this.checker = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.checker != null;
	}

}
