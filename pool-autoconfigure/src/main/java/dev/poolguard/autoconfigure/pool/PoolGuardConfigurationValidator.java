package dev.poolguard.autoconfigure.pool;

import java.time.Duration;
import java.util.List;

import dev.poolguard.autoconfigure.PoolGuardConfigurationException.Problem;
import dev.poolguard.autoconfigure.PoolGuardProperties;

/**
 * Checks the settings in force before the pool starts. HikariCP would quietly replace
 * most of these values with its own and log a warning nobody reads; PoolGuard stops
 * startup instead, naming the property, the value and the fix.
 *
 * @author PoolGuard
 */
final class PoolGuardConfigurationValidator {

	private static final Duration HIKARI_TIMEOUT_FLOOR = Duration.ofMillis(250);

	private final EffectivePoolSettings settings;

	private final List<Problem> problems;

	private PoolGuardConfigurationValidator(EffectivePoolSettings settings, List<Problem> problems) {
		this.settings = settings;
		this.problems = problems;
	}

	static void validate(EffectivePoolSettings settings, PoolGuardProperties properties, List<Problem> problems) {
		PoolGuardConfigurationValidator validator = new PoolGuardConfigurationValidator(settings, problems);
		validator.validatePool();
		validator.validateDriver();
		validateOthers(properties, problems);
	}

	private void validatePool() {
		int limit = count(PoolSetting.CONNECTION_LIMIT);
		check(limit >= 1, PoolSetting.CONNECTION_LIMIT, "the pool needs at least one connection",
				"Set it to 1 or more; 10 suits most services.");
		int minIdle = count(PoolSetting.MIN_IDLE);
		check(minIdle >= 0 && minIdle <= limit, PoolSetting.MIN_IDLE,
				"it must be between 0 and connection-limit (" + limit + ")",
				"Set it to " + limit + " or less, or remove it: it then equals connection-limit.");
		Duration poolTimeout = duration(PoolSetting.POOL_TIMEOUT);
		check(atLeast(poolTimeout, HIKARI_TIMEOUT_FLOOR), PoolSetting.POOL_TIMEOUT,
				"HikariCP cannot wait less than 250ms for a connection",
				"Set it to 250ms or more; 5s suits most services.");
		Duration maxLifetime = duration(PoolSetting.MAX_LIFETIME);
		Duration keepalive = duration(PoolSetting.KEEPALIVE_TIME);
		check(atLeast(maxLifetime, Duration.ofSeconds(30)), PoolSetting.MAX_LIFETIME,
				"connections must live at least 30s, or the pool spends its time reconnecting",
				"Set it to 30s or more; 30m suits most services.");
		check(keepalive.isZero() || atLeast(keepalive, Duration.ofSeconds(30)), PoolSetting.KEEPALIVE_TIME,
				"keep-alive tests more often than every 30s only load the server",
				"Set it to 30s or more, or 0 to turn keep-alive off.");
		check(keepalive.isZero() || maxLifetime.compareTo(keepalive) > 0, PoolSetting.MAX_LIFETIME,
				"it must be longer than keepalive-time (" + EffectiveSetting.display(keepalive)
						+ "), or connections are retired before they are ever kept alive",
				"Set max-lifetime above keepalive-time, or lower keepalive-time.");
		Duration idleTimeout = duration(PoolSetting.IDLE_TIMEOUT);
		check(idleTimeout.isZero() || atLeast(idleTimeout, Duration.ofSeconds(10)), PoolSetting.IDLE_TIMEOUT,
				"HikariCP does not retire idle connections sooner than 10s",
				"Set it to 10s or more, or 0 to keep idle connections.");
		check(idleTimeout.compareTo(maxLifetime) < 0, PoolSetting.IDLE_TIMEOUT,
				"it must be shorter than max-lifetime (" + EffectiveSetting.display(maxLifetime) + ")",
				"Set it below max-lifetime.");
		Duration validationTimeout = duration(PoolSetting.VALIDATION_TIMEOUT);
		if (atLeast(poolTimeout, HIKARI_TIMEOUT_FLOOR)) {
			check(atLeast(validationTimeout, HIKARI_TIMEOUT_FLOOR) && validationTimeout.compareTo(poolTimeout) <= 0,
					PoolSetting.VALIDATION_TIMEOUT,
					"it must be at least 250ms and at most pool-timeout (" + EffectiveSetting.display(poolTimeout)
							+ "), or testing a dead connection uses up a request's whole wait",
					"Set it between 250ms and pool-timeout, or remove it: it then defaults to 2s or half of pool-timeout.");
		}
		Duration leak = duration(PoolSetting.LEAK_DETECTION_THRESHOLD);
		check(leak.isZero() || (atLeast(leak, Duration.ofSeconds(2)) && leak.compareTo(maxLifetime) < 0),
				PoolSetting.LEAK_DETECTION_THRESHOLD,
				"it must be 0 (off), or at least 2s and shorter than max-lifetime",
				"Set it to 0 or to a value between 2s and max-lifetime; 60s suits most web services.");
	}

	private void validateDriver() {
		for (PoolSetting setting : List.of(PoolSetting.STATEMENT_CACHE_SIZE, PoolSetting.STATEMENT_CACHE_SIZE_MIB,
				PoolSetting.PREPARE_THRESHOLD)) {
			Object value = get(setting).value();
			check(value instanceof Integer number && number >= 0, setting, "it must be a whole number, 0 or more",
					"Set it to 0 or more.");
		}
		for (PoolSetting setting : List.of(PoolSetting.SOCKET_TIMEOUT, PoolSetting.CONNECT_TIMEOUT)) {
			Object value = get(setting).value();
			boolean wholeSeconds = value instanceof Duration duration && !duration.isNegative()
					&& duration.toMillis() % 1000 == 0;
			check(wholeSeconds, setting,
					"pgjdbc takes whole seconds, so a fraction of a second would be cut (and under 1s become 0, which waits forever)",
					"Use whole seconds, such as 30s, or 0 to wait forever.");
		}
	}

	private static void validateOthers(PoolGuardProperties properties, List<Problem> problems) {
		Checker check = new Checker(problems);
		check.that(properties.getInstances() >= 1, "instances", properties.getInstances(),
				"at least one instance shares the server", "Set it to the number of instances you run, 1 or more.");
		check.that(properties.getReservedConnections() >= 0, "reserved-connections",
				properties.getReservedConnections(), "it cannot be negative", "Set it to 0 or more.");
		check.that(atLeast(properties.getBudget().getAdviceWindow(), Duration.ofSeconds(1)), "budget.advice-window",
				properties.getBudget().getAdviceWindow(),
				"the advisor needs at least a second of traffic to measure a rate",
				"Set it to 1s or more; 1m suits most services.");
		check.that(properties.getMaxWaiting() >= 0, "max-waiting", properties.getMaxWaiting(),
				"it cannot be negative", "Set it to 0 or more.");
		PoolGuardProperties.Retry retry = properties.getRetry();
		check.that(retry.getMaxAttempts() >= 1, "retry.max-attempts", retry.getMaxAttempts(),
				"it counts the first attempt, so it is at least 1",
				"Set it to 1 (no retry) or more, or set poolguard.retry.enabled=false.");
		check.that(isPositive(retry.getInitialBackoff()), "retry.initial-backoff", retry.getInitialBackoff(),
				"it must be longer than 0", "Set it to a positive duration such as 100ms.");
		check.that(isPositive(retry.getMaxBackoff()) && retry.getMaxBackoff().compareTo(retry.getInitialBackoff()) >= 0,
				"retry.max-backoff", retry.getMaxBackoff(),
				"it must be at least initial-backoff (" + EffectiveSetting.display(retry.getInitialBackoff()) + ")",
				"Set it to initial-backoff or more.");
		check.that(retry.getMultiplier() >= 1, "retry.multiplier", retry.getMultiplier(),
				"a multiplier below 1 shrinks the wait after each failure", "Set it to 1 or more; 2 doubles each wait.");
		check.that(retry.getJitter() >= 0 && retry.getJitter() <= 1, "retry.jitter", retry.getJitter(),
				"it is a fraction of the wait", "Set it between 0 and 1.");
		PoolGuardProperties.CircuitBreaker breaker = properties.getCircuitBreaker();
		check.that(breaker.getFailureRateThreshold() > 0 && breaker.getFailureRateThreshold() <= 100,
				"circuit-breaker.failure-rate-threshold", breaker.getFailureRateThreshold(), "it is a percentage",
				"Set it above 0 and at most 100.");
		check.that(breaker.getSlidingWindowSize() >= 1, "circuit-breaker.sliding-window-size",
				breaker.getSlidingWindowSize(), "the window holds at least one call", "Set it to 1 or more.");
		check.that(breaker.getMinimumNumberOfCalls() >= 1, "circuit-breaker.minimum-number-of-calls",
				breaker.getMinimumNumberOfCalls(), "it must be at least 1", "Set it to 1 or more.");
		check.that(isPositive(breaker.getWaitDurationInOpenState()), "circuit-breaker.wait-duration-in-open-state",
				breaker.getWaitDurationInOpenState(), "it must be longer than 0",
				"Set it to a positive duration such as 1s.");
		check.that(breaker.getPermittedCallsInHalfOpenState() >= 1,
				"circuit-breaker.permitted-calls-in-half-open-state", breaker.getPermittedCallsInHalfOpenState(),
				"at least one probe must be let through to notice a recovery", "Set it to 1 or more.");
		double threshold = properties.getHealth().getSaturationThreshold();
		check.that(threshold > 0 && threshold <= 1, "health.saturation-threshold", threshold,
				"it is a fraction of the pool", "Set it above 0 and at most 1; 0.8 means 80 %.");
		check.that(atLeast(properties.getServerMetrics().getInterval(), Duration.ofSeconds(1)),
				"server-metrics.interval", properties.getServerMetrics().getInterval(),
				"sampling the server more than once a second loads it for nothing", "Set it to 1s or more.");
	}

	private void check(boolean valid, PoolSetting setting, String reason, String fix) {
		if (valid) {
			return;
		}
		EffectiveSetting effective = get(setting);
		String origin = effective.origin();
		if (origin.startsWith(PoolGuardProperties.PREFIX + ".") || origin.startsWith("spring.")) {
			this.problems.add(new Problem(origin, effective.displayValue(), reason, fix));
		}
		else {
			this.problems.add(new Problem(setting.property(), effective.displayValue() + " (from " + origin + ")",
					reason, fix));
		}
	}

	private EffectiveSetting get(PoolSetting setting) {
		return this.settings.get(setting);
	}

	private int count(PoolSetting setting) {
		Object value = get(setting).value();
		return (value instanceof Integer number) ? number : -1;
	}

	private Duration duration(PoolSetting setting) {
		return (Duration) get(setting).value();
	}

	private static boolean atLeast(Duration value, Duration minimum) {
		return value != null && value.compareTo(minimum) >= 0;
	}

	private static boolean isPositive(Duration value) {
		return value != null && !value.isNegative() && !value.isZero();
	}

	private record Checker(List<Problem> problems) {

		void that(boolean valid, String name, Object value, String reason, String fix) {
			if (!valid) {
				this.problems.add(new Problem(PoolGuardProperties.PREFIX + "." + name, EffectiveSetting.display(value),
						reason, fix));
			}
		}

	}

}
