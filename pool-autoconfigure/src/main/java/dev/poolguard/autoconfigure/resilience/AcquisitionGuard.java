package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Guards connection acquisition, and nothing else: {@code poolguard.max-waiting} bounds
 * the callers waiting for a connection or for a retry ({@link WaitingLimit}), and
 * Resilience4j's own decorators do the rest: a retry repeats the attempts that may
 * succeed later, and a circuit breaker records every attempt with its real duration. Which failures count is their
 * configuration ({@link ResilienceConfigs}), not code here: only database failures are
 * recorded, only transient ones retried. Statements and transactions are never retried.
 *
 * <p>
 * The decorated supplier is built once; an acquisition allocates only what the
 * decorators themselves do (the retry's context).
 *
 * @author PoolGuard
 */
final class AcquisitionGuard {

	private static final Log logger = LogFactory.getLog(AcquisitionGuard.class);

	private static final Duration SATURATED_RETRY_AFTER = Duration.ofSeconds(1);

	private static final String UNREACHABLE_EPISODE = "database unreachable: callers failed at once, waiting callers released";

	private final HikariDataSource pool;

	private final ReconnectingDataSource connector;

	private final WaitingCallers waiting;

	private final CircuitBreaker breaker;

	private final Retry retry;

	private final LoadShedder shedder;

	private final Duration unavailableRetryAfter;

	private final AcquisitionObserver observer;

	private final boolean timing;

	private final AcquisitionEvents events;

	private final CheckedSupplier<Connection> fromPool;

	private volatile HikariPoolMXBean poolStatistics;

	private volatile Throwable lastDatabaseFailure;

	private final AtomicReference<CircuitBreaker.State> lastSeenState = new AtomicReference<>(
			CircuitBreaker.State.CLOSED);

	/**
	 * Guards a pool.
	 * @param pool the pool, for its statistics
	 * @param source the pool's own {@code getConnection()}
	 * @param connector what opens the pool's connections, or {@code null} when the
	 * application gave HikariCP a data source of its own
	 * @param resilience the breaker and retry, each of which may be {@code null}, and
	 * {@code max-waiting}
	 * @param observer told how each acquisition ended
	 * @param events where noteworthy events go
	 */
	AcquisitionGuard(HikariDataSource pool, ConnectionSource source, ReconnectingDataSource connector,
			AcquisitionResilience resilience, AcquisitionObserver observer, AcquisitionEvents events) {
		this.pool = pool;
		this.connector = connector;
		this.waiting = (connector != null) ? new WaitingCallers() : null;
		this.breaker = resilience.circuitBreaker();
		this.retry = resilience.retry();
		this.shedder = new LoadShedder(resilience.maxWaiting());
		this.observer = observer;
		this.timing = observer.isTiming();
		this.events = events;
		this.unavailableRetryAfter = (this.breaker != null) ? atLeastOneSecond(
				this.breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1))
				: SATURATED_RETRY_AFTER;
		if (this.breaker != null) {
			this.lastSeenState.set(this.breaker.getState());
		}
		this.fromPool = decorate(source);
		listen();
		if (connector != null) {
			connector.whenReachabilityChanges(new ReleasingReachability());
		}
	}

	private CheckedSupplier<Connection> decorate(ConnectionSource source) {
		CheckedSupplier<Connection> supplier = () -> {
			try {
				return attempt(source);
			}
			catch (SQLException ex) {
				if (AcquisitionFailureClassifier.isDatabaseFailure(ex)) {
					this.lastDatabaseFailure = ex;
				}
				throw ex;
			}
		};
		if (this.breaker != null) {
			supplier = CircuitBreaker.decorateCheckedSupplier(this.breaker, supplier);
		}
		if (this.retry != null) {
			supplier = Retry.decorateCheckedSupplier(this.retry, supplier);
		}
		return supplier;
	}

	/**
	 * Logs and records exhausted retries, once per episode. The retry publishes no event
	 * for a success without retries, so listening costs the success path nothing; the
	 * breaker would publish one per call to any listener, so its transitions are noticed
	 * by reading its state instead (see {@link #noticeBreakerTransition()}).
	 */
	private void listen() {
		if (this.retry != null) {
			this.retry.getEventPublisher()
				.onRetry((event) -> this.observer.retried())
				.onError((event) -> retriesExhausted(event.getNumberOfRetryAttempts(), event.getLastThrowable()));
		}
	}

	/**
	 * Acquires a connection from the pool.
	 * @return the connection
	 * @throws SQLException why there is none
	 */
	Connection acquire() throws SQLException {
		return acquire(this.fromPool);
	}

	/**
	 * Acquires a connection another way than the pool's {@code getConnection()}.
	 * @param source the other way
	 * @return the connection
	 * @throws SQLException why there is none
	 */
	Connection acquire(ConnectionSource source) throws SQLException {
		return acquire(decorate(source));
	}

	private Connection acquire(CheckedSupplier<Connection> guarded) throws SQLException {
		long start = this.timing ? System.nanoTime() : 0;
		try {
			Connection connection = get(guarded);
			this.shedder.served();
			this.observer.acquired(AcquisitionObserver.Outcome.SUCCESS, this.timing ? System.nanoTime() - start : 0);
			return connection;
		}
		catch (SQLException ex) {
			this.observer.acquired(outcomeOf(ex), this.timing ? System.nanoTime() - start : 0);
			throw ex;
		}
	}

	private Connection get(CheckedSupplier<Connection> guarded) throws SQLException {
		AcquisitionObserver.Rejection shed = this.shedder.tryEnter(poolStatistics(), this.pool.getMaximumPoolSize(),
				this.pool.getConnectionTimeout());
		if (shed != null) {
			throw shed(shed);
		}
		try {
			Connection connection = guarded.get();
			if (this.lastSeenState.get() != CircuitBreaker.State.CLOSED) {
				noticeBreakerTransition();
			}
			return connection;
		}
		catch (CallNotPermittedException ex) {
			noticeBreakerTransition();
			reject(AcquisitionObserver.Rejection.CIRCUIT_OPEN,
					"circuit breaker open: callers failed at once with DatabaseUnavailableException");
			throw unavailable("its circuit breaker is open after repeated failures", this.lastDatabaseFailure);
		}
		catch (SQLException ex) {
			noticeBreakerTransition();
			throw translate(ex);
		}
		catch (RuntimeException | Error ex) {
			noticeBreakerTransition();
			throw ex;
		}
		catch (Throwable ex) {
			throw new SQLException("PoolGuard could not get a connection: " + ex, ex);
		}
		finally {
			this.shedder.leave();
		}
	}

	/**
	 * What the caller is told when the decorators gave up: the database's failure in the
	 * words of PoolGuard's exceptions, so that a web layer can answer 503 for the first
	 * two kinds and an operator can act on the third.
	 */
	private SQLException translate(SQLException failure) {
		FailureKind kind = AcquisitionFailureClassifier.classify(failure);
		return switch (kind) {
			case SATURATED -> (failure instanceof PoolSaturatedException) ? failure : saturated(failure);
			case TRANSIENT -> (failure instanceof DatabaseRefusingException refusing) ? refusing(refusing)
					: unavailableAfterRetries(failure);
			case PERMANENT -> permanent(failure);
			case INTERRUPTED, OTHER -> failure;
		};
	}

	/**
	 * One attempt. Before the pool has started, the server is tried once on the calling
	 * thread, so that a refusal is reported at once rather than after HikariCP's
	 * one-second pause. When no connection can come free, waiting pool-timeout would
	 * only hold the caller: while the server cannot be reached (callers already waiting
	 * are released when that starts), or while the pool holds no connection and the
	 * server refused the last one. The pool's connector keeps trying meanwhile.
	 */
	private Connection attempt(ConnectionSource source) throws SQLException {
		if (this.connector == null) {
			return fromPool(source);
		}
		HikariPoolMXBean statistics = poolStatistics();
		if (statistics == null) {
			this.connector.probe(this.pool.getUsername(), this.pool.getPassword());
			return fromPool(source);
		}
		WaitingCallers.Caller caller = this.waiting.enter();
		Connection connection = null;
		try {
			rejectIfNothingCanComeFree(statistics);
			connection = fromPool(source);
		}
		finally {
			if (this.waiting.leave(caller)) {
				closeQuietly(connection);
				reject(AcquisitionObserver.Rejection.DATABASE_UNREACHABLE, UNREACHABLE_EPISODE);
				throw new DatabaseRefusingException(
						"the database could no longer be reached while the caller waited for a connection",
						this.connector.probingBecause());
			}
		}
		return connection;
	}

	private void rejectIfNothingCanComeFree(HikariPoolMXBean statistics) throws DatabaseRefusingException {
		SQLException unreachable = this.connector.probingBecause();
		if (unreachable != null) {
			reject(AcquisitionObserver.Rejection.DATABASE_UNREACHABLE, UNREACHABLE_EPISODE);
			throw new DatabaseRefusingException("the database cannot be reached", unreachable);
		}
		SQLException refused = this.connector.failingBecause();
		if (refused != null && statistics.getTotalConnections() == 0) {
			reject(AcquisitionObserver.Rejection.DATABASE_REFUSING,
					"pool empty and the database refusing connections: callers failed at once");
			throw new DatabaseRefusingException("the pool holds no connection and the database refused the last one",
					refused);
		}
	}

	private static void closeQuietly(Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// The server is gone: the pool evicts the connection either way.
			}
		}
	}

	private Connection fromPool(ConnectionSource source) throws SQLException {
		try {
			return source.get();
		}
		catch (SQLTransientConnectionException timeout) {
			if (this.connector != null && HikariBehaviour.isPoolTimeout(timeout)) {
				// No connection came back within pool-timeout: busy, or stuck on a server
				// that stopped answering. A side connection tells which.
				this.connector.checkReachability();
			}
			throw withUnreachableCause(timeout);
		}
	}

	/**
	 * HikariCP's timeout names the last failure of its own connection attempts, but
	 * while the server is unreachable those attempts are the connector's, which keeps
	 * probing rather than failing: give the timeout its real cause.
	 */
	private SQLTransientConnectionException withUnreachableCause(SQLTransientConnectionException timeout) {
		Throwable unreachable = (this.connector != null) ? this.connector.unreachableBecause() : null;
		if (timeout.getCause() != null || unreachable == null) {
			return timeout;
		}
		SQLTransientConnectionException failure = new SQLTransientConnectionException(
				timeout.getMessage() + "; the database cannot be reached", "08001", unreachable);
		failure.addSuppressed(timeout);
		return failure;
	}

	private void reject(AcquisitionObserver.Rejection reason, String episode) {
		this.observer.rejected(reason);
		this.events.recordEpisode("rejected", episode);
	}

	private static AcquisitionObserver.Outcome outcomeOf(SQLException failure) {
		if (failure instanceof PoolSaturatedException) {
			return AcquisitionObserver.Outcome.SATURATED;
		}
		if (failure instanceof DatabaseUnavailableException) {
			return AcquisitionObserver.Outcome.UNAVAILABLE;
		}
		if (failure instanceof SQLNonTransientConnectionException) {
			return AcquisitionObserver.Outcome.REFUSED;
		}
		return AcquisitionObserver.Outcome.ERROR;
	}

	private HikariPoolMXBean poolStatistics() {
		HikariPoolMXBean statistics = this.poolStatistics;
		if (statistics == null) {
			statistics = this.pool.getHikariPoolMXBean();
			this.poolStatistics = statistics;
		}
		return statistics;
	}

	/**
	 * Logs a transition of the breaker once, by whichever thread first sees the new state:
	 * after every failure, and after a success while the breaker was not closed.
	 */
	private void noticeBreakerTransition() {
		if (this.breaker == null) {
			return;
		}
		CircuitBreaker.State state = this.breaker.getState();
		CircuitBreaker.State previous = this.lastSeenState.get();
		if (state != previous && this.lastSeenState.compareAndSet(previous, state)) {
			breakerTransition(previous, state);
		}
	}

	private void breakerTransition(CircuitBreaker.State previous, CircuitBreaker.State state) {
		String transition = previous + " -> " + state;
		String message;
		if (state == CircuitBreaker.State.OPEN) {
			Throwable last = this.lastDatabaseFailure;
			message = transition + ": the database failed " + this.breaker.getMetrics().getNumberOfFailedCalls()
					+ " of the last " + this.breaker.getMetrics().getNumberOfBufferedCalls() + " acquisitions (last: "
					+ ((last != null) ? AcquisitionFailureClassifier.describe(last) : "none")
					+ "). Connections now fail at once with DatabaseUnavailableException; probing again in "
					+ this.unavailableRetryAfter.toSeconds() + "s.";
			logger.warn("PoolGuard circuit breaker '" + this.breaker.getName() + "' " + message);
		}
		else {
			message = transition + ((state == CircuitBreaker.State.CLOSED) ? ": the database is back." : ".");
			logger.info("PoolGuard circuit breaker '" + this.breaker.getName() + "' " + message);
		}
		this.events.record("circuit-breaker", message);
	}

	private void retriesExhausted(int attempts, Throwable last) {
		String message = "PoolGuard gave up getting a connection after " + attempts + " attempt"
				+ ((attempts == 1) ? "" : "s") + ": " + AcquisitionFailureClassifier.describe(last);
		if (this.events.recordEpisode("retries-exhausted", message)) {
			logger.warn(message);
		}
	}

	private DatabaseUnavailableException unavailable(String why, Throwable cause) {
		String last = (cause != null) ? "; last failure: " + AcquisitionFailureClassifier.describe(cause) : "";
		return new DatabaseUnavailableException("PoolGuard did not try the database: " + why + last,
				this.unavailableRetryAfter, cause);
	}

	private DatabaseUnavailableException refusing(DatabaseRefusingException refusing) {
		Throwable cause = refusing.getCause();
		if (cause instanceof SQLException refused
				&& AcquisitionFailureClassifier.classify(refused) == FailureKind.PERMANENT) {
			return permanent(refused);
		}
		return unavailable(refusing.reason(), cause);
	}

	private DatabaseUnavailableException unavailableAfterRetries(SQLException failure) {
		boolean retried = this.retry != null && AcquisitionFailureClassifier.isWorthRetrying(failure);
		int attempts = retried ? this.retry.getRetryConfig().getMaxAttempts() : 1;
		return new DatabaseUnavailableException("PoolGuard could not get a connection after " + attempts + " attempt"
				+ ((attempts == 1) ? "" : "s") + ": " + AcquisitionFailureClassifier.describe(failure),
				this.unavailableRetryAfter, failure);
	}

	private PoolSaturatedException saturated(SQLException timeout) {
		this.events.recordEpisode("saturated",
				"no connection came free within poolguard.pool-timeout: every connection busy");
		return new PoolSaturatedException("PoolGuard: no connection came free within poolguard.pool-timeout ("
				+ this.pool.getConnectionTimeout() + "ms); the database is healthy but every connection is busy. "
				+ timeout.getMessage(), SATURATED_RETRY_AFTER, timeout);
	}

	private PoolSaturatedException shed(AcquisitionObserver.Rejection reason) {
		HikariPoolMXBean statistics = poolStatistics();
		int connections = (statistics != null) ? statistics.getTotalConnections() : 0;
		String why;
		if (reason == AcquisitionObserver.Rejection.MAX_WAITING) {
			int maxWaiting = this.shedder.maxWaiting();
			reject(reason, "poolguard.max-waiting (" + maxWaiting + ") reached: callers turned away at once");
			why = maxWaiting + " callers already wait for one or for a retry (poolguard.max-waiting=" + maxWaiting
					+ ")";
		}
		else {
			reject(reason, "more callers waiting than the pool can serve within poolguard.pool-timeout: "
					+ "callers turned away at once");
			why = "the callers already waiting would not all get one within poolguard.pool-timeout ("
					+ this.pool.getConnectionTimeout() + "ms) at the " + Math.round(this.shedder.capacityPerSecond())
					+ " connections per second the pool hands out";
		}
		return new PoolSaturatedException("PoolGuard rejected the request at once: all " + connections
				+ " connections are busy and " + why, SATURATED_RETRY_AFTER, null);
	}

	/**
	 * The server refuses this application for a reason waiting cannot cure (credentials,
	 * a missing database): the service is unavailable until someone fixes it, so callers
	 * get the same fast 503 as in an outage, and the log says once per episode what to
	 * check.
	 */
	private DatabaseUnavailableException permanent(SQLException failure) {
		String message = "the database refuses this application's connections, and retrying cannot help: "
				+ AcquisitionFailureClassifier.describe(failure) + ". " + hint(failure);
		if (this.events.recordEpisode("database-refusing", message)) {
			logger.warn("PoolGuard: " + message);
		}
		return new DatabaseUnavailableException("PoolGuard could not connect: " + message, this.unavailableRetryAfter,
				failure);
	}

	private static String hint(Throwable failure) {
		String state = String.valueOf(findSqlState(failure));
		return switch (state) {
			case "28P01", "28000" -> "Check spring.datasource.username and spring.datasource.password.";
			case "3D000" -> "Check the database name in spring.datasource.url.";
			case "08004" -> "The server rejected the connection: check its pg_hba.conf and the role's LOGIN right.";
			case "55000" -> "The database does not accept connections (ALTER DATABASE ... ALLOW_CONNECTIONS).";
			default -> "Check spring.datasource.* and the server's log.";
		};
	}

	private static String findSqlState(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof SQLException sqlException && sqlException.getSQLState() != null) {
				return sqlException.getSQLState();
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

	private static Duration atLeastOneSecond(long millis) {
		return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
	}

	/**
	 * No connection can come free: the server cannot be reached, or the pool is empty and
	 * the server refused the last connection. Failed without waiting and without
	 * retrying.
	 */
	static final class DatabaseRefusingException extends SQLTransientConnectionException {

		private final String reason;

		DatabaseRefusingException(String reason, SQLException refused) {
			super("PoolGuard did not wait for a connection: " + reason,
					(refused != null) ? refused.getSQLState() : "08001", refused);
			this.reason = reason;
		}

		String reason() {
			return this.reason;
		}

	}

	/**
	 * When the server cannot be reached, the connections the pool holds died with it and
	 * no new one can come: HikariCP would still lend the idle ones, each failing its
	 * statement, and keep its waiting callers until pool-timeout. Instead, every pooled
	 * connection is evicted (idle ones now, busy ones when they are returned) and every
	 * waiting caller is released with {@link DatabaseUnavailableException}.
	 */
	private final class ReleasingReachability implements ReconnectingDataSource.Reachability {

		private volatile long unreachableSince;

		@Override
		public void unreachable(SQLException why) {
			this.unreachableSince = System.nanoTime();
			HikariPoolMXBean statistics = poolStatistics();
			int connections = 0;
			if (statistics != null) {
				connections = statistics.getTotalConnections();
				statistics.softEvictConnections();
			}
			int released = AcquisitionGuard.this.waiting.releaseAll();
			String message = "the database cannot be reached (" + AcquisitionFailureClassifier.describe(why) + "): "
					+ connections + " pooled connection" + ((connections == 1) ? "" : "s") + " evicted, " + released
					+ " waiting caller" + ((released == 1) ? "" : "s")
					+ " released; callers fail at once until the server answers again";
			logger.warn("PoolGuard: " + message);
			AcquisitionGuard.this.events.record("database-unreachable", message);
		}

		@Override
		public void stillUnreachable() {
			// A caller that entered the pool as the server went away may have been missed.
			AcquisitionGuard.this.waiting.releaseAll();
		}

		@Override
		public void reachable() {
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.unreachableSince);
			String message = "the database answers again, after " + millis + " ms unreachable";
			logger.info("PoolGuard: " + message);
			AcquisitionGuard.this.events.record("database-reachable", message);
			CircuitBreaker breaker = AcquisitionGuard.this.breaker;
			if (breaker != null && (breaker.getState() == CircuitBreaker.State.OPEN
					|| breaker.getState() == CircuitBreaker.State.HALF_OPEN)) {
				// The connector's connection is the best trial call there is: close the
				// breaker now rather than after the rest of the open wait and the trial
				// calls, so that the first request after the server is back succeeds.
				try {
					breaker.transitionToClosedState();
				}
				catch (IllegalStateTransitionException ex) {
					// A caller moved it first.
				}
				noticeBreakerTransition();
			}
		}

	}

	@FunctionalInterface
	interface ConnectionSource {

		Connection get() throws SQLException;

	}

}
