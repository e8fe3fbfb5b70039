package dev.poolguard.autoconfigure.resilience;

import java.time.Duration;

/**
 * Every connection is busy and too many callers already wait, or one waited the whole
 * {@code poolguard.pool-timeout}. The database is healthy: this never opens the circuit
 * breaker.
 *
 * @author PoolGuard
 */
public final class PoolSaturatedException extends PoolGuardAcquisitionException {

	public PoolSaturatedException(String reason, Duration retryAfter, Throwable cause) {
		super(reason, null, retryAfter, cause);
	}

}
