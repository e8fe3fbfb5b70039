package dev.poolguard.autoconfigure.server;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.poolguard.autoconfigure.PoolGuardSanitizer;
import dev.poolguard.autoconfigure.pool.SideConnections;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Watches a pool's database server from outside the pool, so that health checks and
 * server metrics never borrow a pooled connection: an exhausted pool must not make the
 * health check hang, nor a health check take a connection from a request.
 *
 * <p>
 * Each check and each sample opens one of PoolGuard's {@link SideConnections side
 * connections}, on one background thread, and closes it at once: where the role's limit
 * is as tight as the pool, a connection kept open would hold a slot the pool needs. A
 * caller never waits longer than it asked, even when the network is a black hole. A
 * server that refuses the connection because it is full ({@code 53300}) is reachable:
 * it answered.
 *
 * @author PoolGuard
 */
public final class ServerObserver implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ServerObserver.class);

	private static final String TOO_MANY_CONNECTIONS = "53300";

	private static final String SAMPLE_SQL = "SELECT coalesce(state, 'unknown'), "
			+ "CASE application_name WHEN ? THEN 'application' WHEN ? THEN 'poolguard' ELSE 'other' END, count(*) "
			+ "FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1, 2";

	private final SideConnections connections;

	private final Clock clock;

	private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread observer = new Thread(runnable, "poolguard-server-observer");
		observer.setDaemon(true);
		return observer;
	});

	private volatile Reachability reachability = Reachability.UNCHECKED;

	private volatile ServerSample sample;

	private volatile Boolean readOnly;

	private volatile Boolean inRecovery;

	private Future<Reachability> check;

	/**
	 * Creates an observer.
	 * @param connections where its connections to the server come from
	 */
	public ServerObserver(SideConnections connections) {
		this(connections, Clock.systemUTC());
	}

	ServerObserver(SideConnections connections, Clock clock) {
		this.connections = connections;
		this.clock = clock;
	}

	/**
	 * Whether the server answers, waiting for the answer at most {@code budget}. A check
	 * still running after that is left to finish in the background; the last known
	 * answer is returned, marked as such.
	 * @param budget the longest time to wait
	 * @return the answer
	 */
	public Reachability check(Duration budget) {
		Future<Reachability> running;
		synchronized (this) {
			if (this.check == null || this.check.isDone()) {
				this.check = this.thread.submit(this::probe);
			}
			running = this.check;
		}
		try {
			return running.get(budget.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return this.reachability.stillChecking();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.reachability.stillChecking();
		}
		catch (ExecutionException ex) {
			return Reachability.unreachable(describe(ex.getCause()), this.clock.instant());
		}
	}

	/**
	 * The last answer, without checking again.
	 * @return the last answer
	 */
	public Reachability lastReachability() {
		return this.reachability;
	}

	/**
	 * Whether the server the last check reached refuses writes: a standby, or a primary
	 * turned read-only ({@code default_transaction_read_only}).
	 * @return whether it is read-only, or {@code null} before a check reached it
	 */
	public Boolean lastReadOnly() {
		return this.readOnly;
	}

	/**
	 * Whether the server the last check reached is a standby
	 * ({@code pg_is_in_recovery()}).
	 * @return whether it is in recovery, or {@code null} before a check reached it
	 */
	public Boolean lastInRecovery() {
		return this.inRecovery;
	}

	/**
	 * The last sample of the server's connections, if one was taken.
	 * @return the sample, or {@code null}
	 */
	public ServerSample lastSample() {
		return this.sample;
	}

	/**
	 * Samples the server's connections now and then, on the observer's own thread.
	 * @param interval the time between two samples
	 */
	public void sampleEvery(Duration interval) {
		this.thread.scheduleWithFixedDelay(this::sampleQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private Reachability probe() {
		Instant now = this.clock.instant();
		try (Connection connection = this.connections.open()) {
			// What a write would meet: a standby (in recovery) or a server turned read-only.
			try (Statement statement = connection.createStatement();
					ResultSet result = statement
						.executeQuery("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")) {
				result.next();
				this.inRecovery = result.getBoolean(1);
				this.readOnly = "on".equals(result.getString(2));
			}
			this.reachability = Reachability.reachable(now);
		}
		catch (SQLException ex) {
			this.reachability = TOO_MANY_CONNECTIONS.equals(ex.getSQLState()) ? Reachability.full(describe(ex), now)
					: Reachability.unreachable(describe(ex), now);
		}
		catch (RuntimeException ex) {
			this.reachability = Reachability.unreachable(describe(ex), now);
		}
		return this.reachability;
	}

	private void sampleQuietly() {
		try (Connection connection = this.connections.open()) {
			this.sample = sample(connection);
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("PoolGuard could not sample the server's connections: " + describe(ex));
		}
	}

	private ServerSample sample(Connection connection) throws SQLException {
		Map<String, Long> application = new LinkedHashMap<>();
		Map<String, Long> poolGuard = new LinkedHashMap<>();
		Map<String, Long> others = new LinkedHashMap<>();
		try (var statement = connection.prepareStatement(SAMPLE_SQL)) {
			statement.setString(1, this.connections.applicationName());
			statement.setString(2, this.connections.sideApplicationName());
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					Map<String, Long> owner = switch (result.getString(2)) {
						case "application" -> application;
						case "poolguard" -> poolGuard;
						default -> others;
					};
					owner.merge(result.getString(1), result.getLong(3), Long::sum);
				}
			}
		}
		int maxConnections;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW max_connections")) {
			result.next();
			maxConnections = Integer.parseInt(result.getString(1));
		}
		// This sample's own connection is PoolGuard's too.
		poolGuard.merge("active", 1L, Long::sum);
		return new ServerSample(application, poolGuard, others, maxConnections, this.clock.instant());
	}

	private static String describe(Throwable failure) {
		String message = (failure.getMessage() != null) ? failure.getMessage() : failure.getClass().getSimpleName();
		return (message.toLowerCase(java.util.Locale.ROOT).contains("password") && message.contains("="))
				? PoolGuardSanitizer.MASK : message;
	}

	@Override
	public void close() {
		this.thread.shutdownNow();
	}

	/**
	 * Whether the server answered.
	 *
	 * @param reachable {@code TRUE} or {@code FALSE}, or {@code null} before the first
	 * check
	 * @param full whether the server answered that it has no free connection
	 * ({@code 53300}): reachable, but full
	 * @param error why it did not answer, or {@code null}
	 * @param checkedAt when the answer was given, or {@code null}
	 * @param checking whether a check is still running
	 */
	public record Reachability(Boolean reachable, boolean full, String error, Instant checkedAt, boolean checking) {

		static final Reachability UNCHECKED = new Reachability(null, false, null, null, false);

		static Reachability reachable(Instant at) {
			return new Reachability(true, false, null, at, false);
		}

		static Reachability full(String error, Instant at) {
			return new Reachability(true, true, error, at, false);
		}

		static Reachability unreachable(String error, Instant at) {
			return new Reachability(false, false, error, at, false);
		}

		Reachability stillChecking() {
			return new Reachability(this.reachable, this.full, this.error, this.checkedAt, true);
		}

		/**
		 * Whether the server is known not to answer.
		 * @return whether the last answer was "no"
		 */
		public boolean isUnreachable() {
			return Boolean.FALSE.equals(this.reachable);
		}

	}

}
