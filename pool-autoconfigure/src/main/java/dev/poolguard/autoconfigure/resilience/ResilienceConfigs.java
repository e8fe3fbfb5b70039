package dev.poolguard.autoconfigure.resilience;

import dev.poolguard.autoconfigure.PoolGuardProperties;
import java.util.function.Predicate;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
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
			PoolGuardProperties.CircuitBreaker properties, Predicate<String> setElsewhere) {
		// Each setting on its own, so that one set elsewhere overrides only itself.
		if (!setElsewhere.test("sliding-window-type")) {
			builder.slidingWindowType(SlidingWindowType.COUNT_BASED);
		}
		if (!setElsewhere.test("sliding-window-size")) {
			builder.slidingWindowSize(properties.getSlidingWindowSize());
		}
		if (!setElsewhere.test("minimum-number-of-calls")) {
			builder.minimumNumberOfCalls(properties.getMinimumNumberOfCalls());
		}
		if (!setElsewhere.test("record-exceptions") && !setElsewhere.test("ignore-exceptions")
				&& !setElsewhere.test("record-failure-predicate") && !setElsewhere.test("ignore-exception-predicate")) {
			// Only what says something about the database opens the breaker; the rest
			// (saturation, interrupts, unclassified failures) is neither a failure nor a
			// success.
			builder.recordException(AcquisitionFailureClassifier::isDatabaseFailure)
				.ignoreException((failure) -> !AcquisitionFailureClassifier.isDatabaseFailure(failure));
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
			Predicate<String> setElsewhere) {
		if (!setElsewhere.test("max-attempts")) {
			builder.maxAttempts(properties.getMaxAttempts());
		}
		if (!setElsewhere.test("wait-duration") && !setElsewhere.test("enable-exponential-backoff")
				&& !setElsewhere.test("enable-randomized-wait")) {
			builder.intervalFunction(IntervalFunction.ofExponentialRandomBackoff(properties.getInitialBackoff(),
					properties.getMultiplier(), properties.getJitter(), properties.getMaxBackoff()));
		}
		if (!setElsewhere.test("retry-exceptions") && !setElsewhere.test("ignore-exceptions")
				&& !setElsewhere.test("retry-exception-predicate")) {
			builder.retryOnException(AcquisitionFailureClassifier::isWorthRetrying);
		}
		return builder;
	}

}
