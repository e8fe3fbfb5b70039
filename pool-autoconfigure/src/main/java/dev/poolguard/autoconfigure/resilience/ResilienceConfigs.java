package dev.poolguard.autoconfigure.resilience;

import dev.poolguard.autoconfigure.PoolGuardProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;

/**
 * Resilience4j configurations from {@code poolguard.*}.
 *
 * @author PoolGuard
 */
final class ResilienceConfigs {

	private ResilienceConfigs() {
	}

	static CircuitBreakerConfig circuitBreaker(PoolGuardProperties.CircuitBreaker properties) {
		return apply(CircuitBreakerConfig.custom(), properties, (name) -> false).build();
	}

	/**
	 * Applies PoolGuard's breaker settings to a builder, but for those the user set
	 * elsewhere (in {@code resilience4j.circuitbreaker.instances.poolguard.*}).
	 */
	static CircuitBreakerConfig.Builder apply(CircuitBreakerConfig.Builder builder,
			PoolGuardProperties.CircuitBreaker properties, java.util.function.Predicate<String> setElsewhere) {
		if (!setElsewhere.test("sliding-window-size") && !setElsewhere.test("minimum-number-of-calls")) {
			// Lock-free: the window is written on every acquisition, by every thread.
			builder.slidingWindow(properties.getSlidingWindowSize(), properties.getMinimumNumberOfCalls(),
					SlidingWindowType.COUNT_BASED, SlidingWindowSynchronizationStrategy.LOCK_FREE);
		}
		if (!setElsewhere.test("failure-rate-threshold")) {
			builder.failureRateThreshold(properties.getFailureRateThreshold());
		}
		if (!setElsewhere.test("wait-duration-in-open-state")) {
			builder.waitDurationInOpenState(properties.getWaitDurationInOpenState());
		}
		if (!setElsewhere.test("permitted-number-of-calls-in-half-open-state")) {
			builder.permittedNumberOfCallsInHalfOpenState(properties.getPermittedCallsInHalfOpenState());
		}
		return builder;
	}

	static RetryConfig retry(PoolGuardProperties.Retry properties) {
		return apply(RetryConfig.custom(), properties, (name) -> false).build();
	}

	/**
	 * Applies PoolGuard's retry settings to a builder, but for those the user set in
	 * {@code resilience4j.retry.instances.poolguard.*}.
	 */
	static <T> RetryConfig.Builder<T> apply(RetryConfig.Builder<T> builder, PoolGuardProperties.Retry properties,
			java.util.function.Predicate<String> setElsewhere) {
		if (!setElsewhere.test("max-attempts")) {
			builder.maxAttempts(properties.getMaxAttempts());
		}
		if (!setElsewhere.test("wait-duration") && !setElsewhere.test("enable-exponential-backoff")
				&& !setElsewhere.test("enable-randomized-wait")) {
			builder.intervalFunction(IntervalFunction.ofExponentialRandomBackoff(properties.getInitialBackoff(),
					properties.getMultiplier(), properties.getJitter(), properties.getMaxBackoff()));
		}
		// Only transient failures are ever offered to the retry; see GuardedDataSource.
		return builder;
	}

}
