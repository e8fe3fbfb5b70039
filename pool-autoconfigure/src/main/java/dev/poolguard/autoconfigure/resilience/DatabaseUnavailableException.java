package dev.poolguard.autoconfigure.resilience;

import java.time.Duration;

/**
 * The database cannot be reached: the circuit breaker is open after repeated failures,
 * or retries of a transient failure ran out. Thrown within milliseconds while the breaker
 * is open, instead of every caller waiting {@code poolguard.pool-timeout}.
 *
 * @author PoolGuard
 */
public final class DatabaseUnavailableException extends PoolGuardAcquisitionException {

	/** SQLState class 08: connection exception, "unable to establish SQL connection". */
	private static final String SQL_STATE = "08001";

	public DatabaseUnavailableException(String reason, Duration retryAfter, Throwable cause) {
		super(reason, SQL_STATE, retryAfter, cause);
	}

}
