package dev.poolguard.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * An experiment for {@link AcquisitionBreakdownBenchmark}, not PoolGuard's code: what
 * the guarded success path would cost if it did not write a success into a breaker
 * window that cannot change.
 *
 * <p>
 * A count-based window that is full and holds only successes is the same window after
 * one more success, so recording it only makes every acquiring thread write the same
 * shared memory (Resilience4j's window is a single hot spot). This pool checks that case
 * with reads only, and records the success otherwise. The check reads a snapshot that
 * another thread may be changing, so under a race a success can go unrecorded: the
 * failure rate can only be overestimated, by at most the number of threads that raced.
 * It keeps the max-waiting check of PoolGuard's guard so that the comparison is fair;
 * failures are only passed to the breaker, without PoolGuard's classification, retry and
 * messages, which the success path never reaches.
 *
 * @author PoolGuard
 */
final class CleanWindowShortcutExperiment extends HikariDataSource {

	private final CircuitBreaker breaker;

	private final int windowSize;

	private final int maxWaiting;

	CleanWindowShortcutExperiment(HikariDataSource configured, CircuitBreaker breaker, int maxWaiting) {
		configured.copyStateTo(this);
		this.breaker = breaker;
		this.windowSize = breaker.getCircuitBreakerConfig().getSlidingWindowSize();
		this.maxWaiting = maxWaiting;
	}

	@Override
	public Connection getConnection() throws SQLException {
		HikariPoolMXBean statistics = getHikariPoolMXBean();
		if (statistics != null && statistics.getThreadsAwaitingConnection() >= this.maxWaiting) {
			throw new SQLTransientConnectionException("Too many threads waiting");
		}
		if (!this.breaker.tryAcquirePermission()) {
			throw new SQLTransientConnectionException("Circuit breaker open");
		}
		Connection connection;
		try {
			connection = super.getConnection();
		}
		catch (SQLException | RuntimeException ex) {
			this.breaker.onError(0, TimeUnit.NANOSECONDS, ex);
			throw ex;
		}
		if (!windowCannotChange()) {
			this.breaker.onSuccess(0, TimeUnit.NANOSECONDS);
		}
		return connection;
	}

	private boolean windowCannotChange() {
		if (this.breaker.getState() != CircuitBreaker.State.CLOSED) {
			return false;
		}
		CircuitBreaker.Metrics metrics = this.breaker.getMetrics();
		return metrics.getNumberOfFailedCalls() == 0 && metrics.getNumberOfBufferedCalls() >= this.windowSize;
	}

}
