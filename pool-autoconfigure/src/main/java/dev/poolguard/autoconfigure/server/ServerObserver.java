package dev.poolguard.autoconfigure.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardSanitizer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Watches the database server from outside the pool, so that health checks and server
 * metrics never borrow a pooled connection: an exhausted pool must not make the health
 * check hang, nor a health check take a connection from a request.
 *
 * <p>
 * It keeps one connection of its own, opened on first use and named
 * {@code "<application> (poolguard)"} in {@code pg_stat_activity}, and uses it from one
 * background thread: a stopped server is noticed by the next check without opening a
 * connection per check, reconnection is attempted at most once a second, and a caller
 * never waits longer than it asked, even when the network is a black hole.
 *
 * @author PoolGuard
 */
public final class ServerObserver implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ServerObserver.class);

	private static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(1);

	private static final int TIMEOUT_SECONDS = 1;

	private static final String SAMPLE_SQL = "SELECT coalesce(state, 'unknown'), application_name = ?, count(*) "
			+ "FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1, 2";

	private final Supplier<HikariDataSource> pool;

	private final Supplier<String> applicationName;

	private final Clock clock;

	private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread observer = new Thread(runnable, "poolguard-server-observer");
		observer.setDaemon(true);
		return observer;
	});

	private Connection connection;

	private Instant lastConnectAttempt = Instant.EPOCH;

	private volatile Reachability reachability = Reachability.UNCHECKED;

	private volatile ServerSample sample;

	private Future<Reachability> check;

	/**
	 * Creates an observer.
	 * @param pool the pool whose server to watch; asked for on first use
	 * @param applicationName the name of this application's connections, which may be
	 * {@code null}; asked for on first use
	 */
	public ServerObserver(Supplier<HikariDataSource> pool, Supplier<String> applicationName) {
		this(pool, applicationName, Clock.systemUTC());
	}

	ServerObserver(Supplier<HikariDataSource> pool, Supplier<String> applicationName, Clock clock) {
		this.pool = pool;
		this.applicationName = applicationName;
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
		try {
			Connection connection = connection();
			if (connection == null) {
				return this.reachability;
			}
			if (connection.isValid(TIMEOUT_SECONDS)) {
				this.reachability = Reachability.reachable(now);
			}
			else {
				closeConnection();
				this.reachability = Reachability.unreachable("the server stopped answering", now);
			}
		}
		catch (SQLException | RuntimeException ex) {
			closeConnection();
			this.reachability = Reachability.unreachable(describe(ex), now);
		}
		return this.reachability;
	}

	private void sampleQuietly() {
		try {
			Connection connection = connection();
			if (connection != null) {
				this.sample = sample(connection);
			}
		}
		catch (SQLException | RuntimeException ex) {
			closeConnection();
			logger.debug("PoolGuard could not sample the server's connections: " + describe(ex));
		}
	}

	private ServerSample sample(Connection connection) throws SQLException {
		Map<String, Long> application = new LinkedHashMap<>();
		Map<String, Long> others = new LinkedHashMap<>();
		try (var statement = connection.prepareStatement(SAMPLE_SQL)) {
			String applicationName = this.applicationName.get();
			statement.setString(1, (applicationName != null) ? applicationName : "");
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					(result.getBoolean(2) ? application : others).merge(result.getString(1), result.getLong(3),
							Long::sum);
				}
			}
		}
		int maxConnections;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW max_connections")) {
			result.next();
			maxConnections = Integer.parseInt(result.getString(1));
		}
		return new ServerSample(application, others, maxConnections, this.clock.instant());
	}

	/**
	 * The observer's connection, opened if needed, but not more than once a second.
	 */
	private Connection connection() throws SQLException {
		if (this.connection != null && !this.connection.isClosed()) {
			return this.connection;
		}
		Instant now = this.clock.instant();
		if (Duration.between(this.lastConnectAttempt, now).compareTo(RECONNECT_INTERVAL) < 0) {
			return null;
		}
		this.lastConnectAttempt = now;
		HikariDataSource pool = this.pool.get();
		if (pool == null || pool.getJdbcUrl() == null) {
			throw new SQLException("the pool has no JDBC URL to reach the server with");
		}
		Properties properties = new Properties();
		properties.putAll(pool.getDataSourceProperties());
		if (pool.getUsername() != null) {
			properties.setProperty("user", pool.getUsername());
		}
		if (pool.getPassword() != null) {
			properties.setProperty("password", pool.getPassword());
		}
		properties.setProperty("connectTimeout", Integer.toString(TIMEOUT_SECONDS));
		properties.setProperty("loginTimeout", Integer.toString(TIMEOUT_SECONDS * 2));
		properties.setProperty("socketTimeout", Integer.toString(TIMEOUT_SECONDS * 2));
		String applicationName = this.applicationName.get();
		properties.setProperty("ApplicationName", ((applicationName != null) ? applicationName + " " : "") + "(poolguard)");
		this.connection = DriverManager.getConnection(pool.getJdbcUrl(), properties);
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("SET statement_timeout = '" + TIMEOUT_SECONDS + "s'");
		}
		return this.connection;
	}

	private void closeConnection() {
		if (this.connection != null) {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				// It is gone either way.
			}
			this.connection = null;
		}
	}

	private static String describe(Throwable failure) {
		String message = (failure.getMessage() != null) ? failure.getMessage() : failure.getClass().getSimpleName();
		return (message.toLowerCase(java.util.Locale.ROOT).contains("password") && message.contains("="))
				? PoolGuardSanitizer.MASK : message;
	}

	@Override
	public void close() {
		this.thread.execute(this::closeConnection);
		this.thread.shutdown();
	}

	/**
	 * Whether the server answered.
	 *
	 * @param reachable {@code TRUE} or {@code FALSE}, or {@code null} before the first
	 * check
	 * @param error why it did not answer, or {@code null}
	 * @param checkedAt when the answer was given, or {@code null}
	 * @param checking whether a check is still running
	 */
	public record Reachability(Boolean reachable, String error, Instant checkedAt, boolean checking) {

		static final Reachability UNCHECKED = new Reachability(null, null, null, false);

		static Reachability reachable(Instant at) {
			return new Reachability(true, null, at, false);
		}

		static Reachability unreachable(String error, Instant at) {
			return new Reachability(false, error, at, false);
		}

		Reachability stillChecking() {
			return new Reachability(this.reachable, this.error, this.checkedAt, true);
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
