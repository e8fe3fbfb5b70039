package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import io.github.resilience4j.retry.Retry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Guards connection acquisition, and nothing else, with load shedding, a circuit breaker
 * and a retry. Statements and transactions are never retried.
 *
 * <p>
 * The success path costs a few field reads: the breaker is told of a success without a
 * clock reading (PoolGuard's breakers have no slow-call threshold), and no Resilience4j
 * decoration is allocated until an attempt fails. Once a count-based breaker window holds
 * nothing but successes, one more success leaves it exactly as it was, so it is not
 * written: every acquiring thread writing the same window is what made the guard cost
 * more than the pool under contention. A success racing with a failure may go unrecorded,
 * which can only overstate the failure rate, by at most the number of racing threads.
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

	private final int maxWaiting;

	private final Duration unavailableRetryAfter;

	private final AcquisitionObserver observer;

	private final boolean timing;

	private final AcquisitionEvents events;

	private final AtomicReference<CircuitBreaker.State> lastSeenState = new AtomicReference<>(
			CircuitBreaker.State.CLOSED);

	private final int cleanWindowSize;

	private final AtomicInteger successesSinceFailure = new AtomicInteger();

	private volatile HikariPoolMXBean poolStatistics;

	private volatile Throwable lastDatabaseFailure;

	/**
	 * Guards a pool.
	 * @param pool the pool, for its statistics
	 * @param connector what opens the pool's connections, or {@code null} when the
	 * application gave HikariCP a data source of its own
	 * @param breaker the circuit breaker, or {@code null} for none
	 * @param retry the retry, or {@code null} for none
	 * @param maxWaiting the number of threads allowed to wait for a connection
	 * @param observer told how each acquisition ended
	 * @param events where noteworthy events go
	 */
	AcquisitionGuard(HikariDataSource pool, ReconnectingDataSource connector, CircuitBreaker breaker, Retry retry,
			int maxWaiting, AcquisitionObserver observer, AcquisitionEvents events) {
		this.pool = pool;
		this.connector = connector;
		this.waiting = (connector != null) ? new WaitingCallers() : null;
		this.breaker = breaker;
		this.retry = retry;
		this.maxWaiting = maxWaiting;
		this.observer = observer;
		this.timing = observer.isTiming();
		this.events = events;
		this.unavailableRetryAfter = (breaker != null)
				? atLeastOneSecond(breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1))
				: SATURATED_RETRY_AFTER;
		if (breaker != null) {
			this.lastSeenState.set(breaker.getState());
		}
		CircuitBreakerConfig config = (breaker != null) ? breaker.getCircuitBreakerConfig() : null;
		this.cleanWindowSize = (config != null && config.getSlidingWindowType() == SlidingWindowType.COUNT_BASED)
				? config.getSlidingWindowSize() : 0;
		if (connector != null) {
			connector.whenReachabilityChanges(new ReleasingReachability());
		}
	}

	Connection acquire(ConnectionSource source) throws SQLException {
		long start = this.timing ? System.nanoTime() : 0;
		try {
			Connection connection = guardedAcquire(source);
			this.observer.acquired(AcquisitionObserver.Outcome.SUCCESS, this.timing ? System.nanoTime() - start : 0);
			return connection;
		}
		catch (SQLException ex) {
			this.observer.acquired(outcomeOf(ex), this.timing ? System.nanoTime() - start : 0);
			throw ex;
		}
	}

	private Connection guardedAcquire(ConnectionSource source) throws SQLException {
		rejectIfTooManyWaiting();
		if (this.breaker != null && !this.breaker.tryAcquirePermission()) {
			reject(AcquisitionObserver.Rejection.CIRCUIT_OPEN,
					"circuit breaker open: callers failed at once with DatabaseUnavailableException");
			throw unavailable("its circuit breaker is open after repeated failures", this.lastDatabaseFailure);
		}
		try {
			Connection connection = attempt(source);
			recordSuccess();
			return connection;
		}
		catch (SQLException | RuntimeException ex) {
			return recover(source, ex);
		}
	}

	/**
	 * The slow path, after a failed attempt: record it, and retry it while it is worth
	 * it.
	 */
	private Connection recover(ConnectionSource source, Exception firstFailure) throws SQLException {
		Retry.Context<Connection> context = (this.retry != null) ? this.retry.context() : null;
		Exception failure = firstFailure;
		int attempts = 1;
		while (true) {
			FailureKind kind = record(failure);
			if (kind == FailureKind.SATURATED) {
				throw saturated(failure);
			}
			if (kind != FailureKind.TRANSIENT || context == null) {
				throw fail(kind, failure, attempts);
			}
			if (failure instanceof DatabaseRefusingException refusing) {
				// The pool's connector is already trying the server: a retry here would only
				// add its backoff to a request that is going to fail.
				throw unavailable(refusing.reason(), failure.getCause());
			}
			try {
				context.onError(failure);
			}
			catch (Exception exhausted) {
				String message = "PoolGuard gave up getting a connection after " + attempts + " attempt"
						+ ((attempts == 1) ? "" : "s") + ": " + AcquisitionFailureClassifier.describe(exhausted);
				logger.warn(message);
				this.events.record("retries-exhausted", message);
				throw fail(kind, exhausted, attempts);
			}
			attempts++;
			this.observer.retried();
			rejectIfTooManyWaiting();
			if (this.breaker != null && !this.breaker.tryAcquirePermission()) {
				reject(AcquisitionObserver.Rejection.CIRCUIT_OPEN,
						"circuit breaker open: callers failed at once with DatabaseUnavailableException");
				throw unavailable("its circuit breaker opened while retrying", failure);
			}
			try {
				Connection connection = attempt(source);
				recordSuccess();
				context.onComplete();
				return connection;
			}
			catch (SQLException | RuntimeException ex) {
				failure = ex;
			}
		}
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

	private void recordSuccess() {
		if (this.breaker == null || (this.cleanWindowSize > 0
				&& this.successesSinceFailure.get() >= this.cleanWindowSize
				&& this.breaker.getState() == CircuitBreaker.State.CLOSED)) {
			return;
		}
		this.breaker.onSuccess(0, TimeUnit.NANOSECONDS);
		if (this.successesSinceFailure.get() < this.cleanWindowSize) {
			this.successesSinceFailure.incrementAndGet();
		}
		if (this.lastSeenState.get() != CircuitBreaker.State.CLOSED
				|| this.breaker.getState() != CircuitBreaker.State.CLOSED) {
			noticeBreakerTransition();
		}
	}

	private FailureKind record(Exception failure) {
		FailureKind kind = AcquisitionFailureClassifier.classify(failure);
		if (kind.isDatabaseFailure()) {
			this.lastDatabaseFailure = failure;
		}
		if (this.breaker != null) {
			if (kind.isDatabaseFailure()) {
				this.successesSinceFailure.set(0);
				this.breaker.onError(0, TimeUnit.NANOSECONDS, failure);
			}
			else {
				this.breaker.releasePermission();
			}
			noticeBreakerTransition();
		}
		return kind;
	}

	private void rejectIfTooManyWaiting() throws PoolSaturatedException {
		HikariPoolMXBean statistics = poolStatistics();
		if (statistics == null) {
			return;
		}
		int waiting = statistics.getThreadsAwaitingConnection();
		if (waiting >= this.maxWaiting && (this.maxWaiting > 0 || statistics.getIdleConnections() == 0)) {
			reject(AcquisitionObserver.Rejection.MAX_WAITING,
					"poolguard.max-waiting (" + this.maxWaiting + ") reached: callers turned away at once");
			throw new PoolSaturatedException("PoolGuard rejected the request at once: all "
					+ statistics.getTotalConnections() + " connections are busy and " + waiting
					+ " threads already wait for one (poolguard.max-waiting=" + this.maxWaiting + ")",
					SATURATED_RETRY_AFTER, null);
		}
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

	private void noticeBreakerTransition() {
		CircuitBreaker.State state = this.breaker.getState();
		CircuitBreaker.State previous = this.lastSeenState.get();
		if (state != previous && this.lastSeenState.compareAndSet(previous, state)) {
			// Every transition starts a new window.
			this.successesSinceFailure.set(0);
			String transition = previous + " -> " + state;
			String message;
			if (state == CircuitBreaker.State.OPEN) {
				message = transition + ": the database failed " + this.breaker.getMetrics().getNumberOfFailedCalls()
						+ " of the last " + this.breaker.getMetrics().getNumberOfBufferedCalls()
						+ " acquisitions (last: " + describeLastFailure()
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
	}

	private String describeLastFailure() {
		Throwable failure = this.lastDatabaseFailure;
		return (failure != null) ? AcquisitionFailureClassifier.describe(failure) : "none";
	}

	private DatabaseUnavailableException unavailable(String why, Throwable cause) {
		noticeBreakerTransition();
		String last = (cause != null) ? "; last failure: " + AcquisitionFailureClassifier.describe(cause) : "";
		return new DatabaseUnavailableException("PoolGuard did not try the database: " + why + last,
				this.unavailableRetryAfter, cause);
	}

	private PoolSaturatedException saturated(Exception timeout) {
		this.events.recordEpisode("saturated",
				"no connection came free within poolguard.pool-timeout: every connection busy");
		return new PoolSaturatedException("PoolGuard: no connection came free within poolguard.pool-timeout ("
				+ this.pool.getConnectionTimeout() + "ms); the database is healthy but every connection is busy. "
				+ timeout.getMessage(), SATURATED_RETRY_AFTER, timeout);
	}

	private SQLException fail(FailureKind kind, Exception failure, int attempts) {
		String cause = AcquisitionFailureClassifier.describe(failure);
		if (kind == FailureKind.PERMANENT) {
			String state = (failure instanceof SQLException sqlException) ? sqlException.getSQLState() : null;
			return new SQLNonTransientConnectionException(
					"PoolGuard could not connect, and retrying cannot help: " + cause + ". " + hint(failure), state,
					failure);
		}
		if (kind == FailureKind.TRANSIENT) {
			return new DatabaseUnavailableException("PoolGuard could not get a connection after " + attempts
					+ " attempt" + ((attempts == 1) ? "" : "s") + ": " + cause, this.unavailableRetryAfter, failure);
		}
		return (failure instanceof SQLException sqlException) ? sqlException
				: new SQLNonTransientConnectionException("PoolGuard could not get a connection: " + cause, failure);
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
			if (breaker != null && breaker.getState() == CircuitBreaker.State.OPEN) {
				// The connector's connection is the best probe there is: let the trial
				// calls through now rather than after the rest of the open wait.
				try {
					breaker.transitionToHalfOpenState();
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
