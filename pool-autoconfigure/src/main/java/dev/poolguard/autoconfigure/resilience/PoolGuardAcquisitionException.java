package dev.poolguard.autoconfigure.resilience;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * A connection PoolGuard refused to wait for, because waiting could not help: the
 * database is unavailable, or the pool has more waiters than it can serve. Both mean
 * "try again shortly", which is what {@link #getRetryAfter()} says, and what an HTTP
 * client should be told with 503 and {@code Retry-After}.
 *
 * @author PoolGuard
 */
public abstract class PoolGuardAcquisitionException extends SQLTransientConnectionException {

	private final Duration retryAfter;

	PoolGuardAcquisitionException(String reason, String sqlState, Duration retryAfter, Throwable cause) {
		super(reason, sqlState, cause);
		this.retryAfter = retryAfter;
	}

	/**
	 * How long a caller should wait before it tries again.
	 * @return the wait, at least one second
	 */
	public Duration getRetryAfter() {
		return this.retryAfter;
	}

}
