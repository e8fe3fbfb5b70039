package dev.poolguard.autoconfigure.pool;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.poolguard.autoconfigure.PoolGuardConfigurationException.Problem;
import dev.poolguard.autoconfigure.PoolGuardProperties;

import org.springframework.core.env.Environment;

/**
 * Checks the settings in force before the pool starts. HikariCP would quietly replace
 * most of these values with its own and log a warning nobody reads; PoolGuard stops
 * startup instead, naming the property, the value and the fix.
 *
 * @author PoolGuard
 */
final class PoolGuardConfigurationValidator {

	private static final Duration HIKARI_TIMEOUT_FLOOR = Duration.ofMillis(250);

	// Upper bounds: past them a value is a typo or a unit mistake, never a tuning.

	static final int MAX_CONNECTION_LIMIT = 10_000;

	static final Duration MAX_POOL_TIMEOUT = Duration.ofMinutes(10);

	static final Duration MAX_LIFETIME = Duration.ofHours(24);

	static final int MAX_STATEMENT_CACHE_SIZE = 10_000;

	static final int MAX_STATEMENT_CACHE_SIZE_MIB = 1024;

	static final Duration MAX_SOCKET_TIMEOUT = Duration.ofHours(24);

	static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(5);

	static final int MAX_INSTANCES = 10_000;

	static final int MAX_WAITING = 100_000;

	static final int MAX_RETRY_ATTEMPTS = 10;

	static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

	static final Duration MAX_WINDOW_DURATION = Duration.ofHours(1);

	static final int MAX_SLIDING_WINDOW_SIZE = 10_000;

	private final EffectivePoolSettings settings;

	private final List<Problem> problems;

	private PoolGuardConfigurationValidator(EffectivePoolSettings settings, List<Problem> problems) {
		this.settings = settings;
		this.problems = problems;
	}

	static void validate(EffectivePoolSettings settings, PoolGuardProperties properties, List<Problem> problems) {
		validate(settings, properties, problems, (key) -> PoolGuardProperties.PREFIX + "." + key);
	}

	/**
	 * Validates one pool's configuration.
	 * @param names the property that set a key, such as
	 * {@code poolguard.pools.scripts.retry.max-attempts}, so that a problem names what
	 * to change
	 */
	static void validate(EffectivePoolSettings settings, PoolGuardProperties properties, List<Problem> problems,
			UnaryOperator<String> names) {
		PoolGuardConfigurationValidator validator = new PoolGuardConfigurationValidator(settings, problems);
		validator.validatePool();
		validator.validateDriver();
		validateOthers(properties, problems, names);
	}

	/**
	 * Also reports every {@code poolguard.*} name that PoolGuard does not read: a
	 * misspelt key would otherwise be ignored without a word, and the pool run with a
	 * value nobody chose.
	 */
	static void validate(EffectivePoolSettings settings, PoolGuardProperties properties, Environment environment,
			List<Problem> problems) {
		problems.addAll(UnknownProperties.find(environment));
		validate(settings, properties, problems);
	}

	/**
	 * The read replica's settings, checked once for the application.
	 */
	static void validateReplica(PoolGuardProperties.Replica replica, List<Problem> problems) {
		Checker check = new Checker(problems, (key) -> PoolGuardProperties.PREFIX + ".replica." + key);
		check.that(replica.getUrl() == null || PostgresUrls.isPostgres(replica.getUrl()), "url",
				PostgresUrls.describe(replica.getUrl()), "PoolGuard routes read-only work only to a PostgreSQL standby",
				"Set it to the standby's jdbc:postgresql:// URL, or remove it.");
		Duration maxLag = replica.getMaxLag();
		check.that(maxLag != null && !maxLag.isNegative() && atMost(maxLag, MAX_WINDOW_DURATION), "max-lag", maxLag,
				"it must be between 0 (no lag check) and 1h", "Set it to 0 or more, at most 1h; 10s suits most services.");
		Duration interval = replica.getCheckInterval();
		check.that(atLeast(interval, Duration.ofMillis(100)) && atMost(interval, Duration.ofMinutes(1)),
				"check-interval", interval,
				"checking more often than every 100ms loads both servers, less often than every minute leaves read-only work on a dead or late replica",
				"Set it between 100ms and 1m; 1s suits most services.");
	}

	private void validatePool() {
		int limit = count(PoolSetting.CONNECTION_LIMIT);
		check(limit >= 1, PoolSetting.CONNECTION_LIMIT, "the pool needs at least one connection",
				"Set it to 1 or more; 10 suits most services.");
		check(limit <= MAX_CONNECTION_LIMIT, PoolSetting.CONNECTION_LIMIT,
				"PostgreSQL runs a process for every connection, and no server serves more than a few thousand",
				"Set it to " + MAX_CONNECTION_LIMIT + " or less; docs/sizing.md shows how to size it.");
		// With connection-limit wrong, min-idle (which defaults to it) is not a second problem.
		if (limit >= 1 && limit <= MAX_CONNECTION_LIMIT) {
			int minIdle = count(PoolSetting.MIN_IDLE);
			check(minIdle >= 0 && minIdle <= limit, PoolSetting.MIN_IDLE,
					"it must be between 0 and connection-limit (" + limit + ")",
					"Set it to " + limit + " or less, or remove it: it then equals connection-limit.");
		}
		Duration poolTimeout = duration(PoolSetting.POOL_TIMEOUT);
		check(atLeast(poolTimeout, HIKARI_TIMEOUT_FLOOR), PoolSetting.POOL_TIMEOUT,
				"HikariCP cannot wait less than 250ms for a connection",
				"Set it to 250ms or more; 5s suits most services.");
		check(atMost(poolTimeout, MAX_POOL_TIMEOUT), PoolSetting.POOL_TIMEOUT,
				"a request waiting longer than 10m for a connection is a hung thread: its client, proxy and load balancer gave up long before",
				"Set it to 10m or less; 5s suits most services.");
		Duration maxLifetime = duration(PoolSetting.MAX_LIFETIME);
		Duration keepalive = duration(PoolSetting.KEEPALIVE_TIME);
		check(atLeast(maxLifetime, Duration.ofSeconds(30)), PoolSetting.MAX_LIFETIME,
				"connections must live at least 30s, or the pool spends its time reconnecting",
				"Set it to 30s or more; 30m suits most services.");
		check(atMost(maxLifetime, MAX_LIFETIME), PoolSetting.MAX_LIFETIME,
				"connections living longer than a day keep a failover, a DNS change or a server setting from reaching them for days, and outlive most firewalls' and proxies' connection limits",
				"Set it to 24h or less; 30m suits most services.");
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
		check(count(PoolSetting.STATEMENT_CACHE_SIZE) <= MAX_STATEMENT_CACHE_SIZE, PoolSetting.STATEMENT_CACHE_SIZE,
				"every connection's server process keeps a plan for each cached statement; an application rarely has more than a few hundred distinct statements",
				"Set it to " + MAX_STATEMENT_CACHE_SIZE + " or less; 256 suits most services.");
		check(count(PoolSetting.STATEMENT_CACHE_SIZE_MIB) <= MAX_STATEMENT_CACHE_SIZE_MIB,
				PoolSetting.STATEMENT_CACHE_SIZE_MIB,
				"it is memory per connection: the whole pool takes connection-limit times as much",
				"Set it to " + MAX_STATEMENT_CACHE_SIZE_MIB + " or less; 5 suits most services.");
		for (PoolSetting setting : List.of(PoolSetting.SOCKET_TIMEOUT, PoolSetting.CONNECT_TIMEOUT)) {
			Object value = get(setting).value();
			boolean wholeSeconds = value instanceof Duration duration && !duration.isNegative()
					&& duration.toMillis() % 1000 == 0;
			check(wholeSeconds, setting,
					"pgjdbc takes whole seconds, so a fraction of a second would be cut (and under 1s become 0, which waits forever)",
					"Use whole seconds, such as 30s, or 0 to wait forever.");
		}
		check(atMost(duration(PoolSetting.SOCKET_TIMEOUT), MAX_SOCKET_TIMEOUT), PoolSetting.SOCKET_TIMEOUT,
				"a read blocked for more than a day is a dead connection, and pgjdbc's millisecond count overflows past 24 days",
				"Set it to 24h or less, or 0 to wait forever; 30s suits most services.");
		check(atMost(duration(PoolSetting.CONNECT_TIMEOUT), MAX_CONNECT_TIMEOUT), PoolSetting.CONNECT_TIMEOUT,
				"a server that has not answered a connection attempt within 5m will not; the operating system gives up sooner",
				"Set it to 5m or less; 5s suits most services.");
	}

	private static void validateOthers(PoolGuardProperties properties, List<Problem> problems,
			UnaryOperator<String> names) {
		Checker check = new Checker(problems, names);
		check.that(properties.getInstances() >= 1, "instances", properties.getInstances(),
				"at least one instance shares the server", "Set it to the number of instances you run, 1 or more.");
		check.that(properties.getInstances() <= MAX_INSTANCES, "instances", properties.getInstances(),
				"no PostgreSQL server has a connection for each of more than " + MAX_INSTANCES + " instances",
				"Set it to the number of instances you run, " + MAX_INSTANCES + " or less.");
		check.that(properties.getReservedConnections() >= 0, "reserved-connections",
				properties.getReservedConnections(), "it cannot be negative", "Set it to 0 or more.");
		Duration adviceWindow = properties.getBudget().getAdviceWindow();
		check.that(atLeast(adviceWindow, Duration.ofSeconds(1)), "budget.advice-window", adviceWindow,
				"the advisor needs at least a second of traffic to measure a rate",
				"Set it to 1s or more; 1m suits most services.");
		check.that(adviceWindow == null || atMost(adviceWindow, MAX_WINDOW_DURATION), "budget.advice-window",
				adviceWindow, "a window longer than an hour mixes the traffic of different times of day",
				"Set it to 1h or less; 1m suits most services.");
		check.that(properties.getMaxWaiting() >= 0, "max-waiting", properties.getMaxWaiting(),
				"it cannot be negative", "Set it to 0 or more.");
		check.that(properties.getMaxWaiting() <= MAX_WAITING, "max-waiting", properties.getMaxWaiting(),
				"no application runs that many threads waiting for a connection",
				"Set it to " + MAX_WAITING + " or less; the default, 10000, leaves shedding to the expected wait.");
		PoolGuardProperties.Retry retry = properties.getRetry();
		check.that(retry.getMaxAttempts() >= 1, "retry.max-attempts", retry.getMaxAttempts(),
				"it counts the first attempt, so it is at least 1",
				"Set it to 1 (no retry) or more, or set poolguard.retry.enabled=false.");
		check.that(retry.getMaxAttempts() <= MAX_RETRY_ATTEMPTS, "retry.max-attempts", retry.getMaxAttempts(),
				"every attempt adds to the wait of a request, and past a few attempts the database is down, not blinking",
				"Set it to " + MAX_RETRY_ATTEMPTS + " or less; 3 suits most services.");
		check.that(isPositive(retry.getInitialBackoff()), "retry.initial-backoff", retry.getInitialBackoff(),
				"it must be longer than 0", "Set it to a positive duration such as 100ms.");
		check.that(isPositive(retry.getMaxBackoff()) && retry.getMaxBackoff().compareTo(retry.getInitialBackoff()) >= 0,
				"retry.max-backoff", retry.getMaxBackoff(),
				"it must be at least initial-backoff (" + EffectiveSetting.display(retry.getInitialBackoff()) + ")",
				"Set it to initial-backoff or more.");
		check.that(retry.getMaxBackoff() == null || atMost(retry.getMaxBackoff(), MAX_BACKOFF), "retry.max-backoff",
				retry.getMaxBackoff(), "a request waits through every backoff, and no request waits a minute",
				"Set it to 1m or less; 1s suits most services.");
		check.that(retry.getMultiplier() >= 1, "retry.multiplier", retry.getMultiplier(),
				"a multiplier below 1 shrinks the wait after each failure", "Set it to 1 or more; 2 doubles each wait.");
		check.that(retry.getMultiplier() <= 10, "retry.multiplier", retry.getMultiplier(),
				"past 10 the second wait already hits max-backoff", "Set it to 10 or less; 2 doubles each wait.");
		check.that(retry.getJitter() >= 0 && retry.getJitter() <= 1, "retry.jitter", retry.getJitter(),
				"it is a fraction of the wait", "Set it between 0 and 1.");
		PoolGuardProperties.CircuitBreaker breaker = properties.getCircuitBreaker();
		check.that(breaker.getFailureRateThreshold() > 0 && breaker.getFailureRateThreshold() <= 100,
				"circuit-breaker.failure-rate-threshold", breaker.getFailureRateThreshold(), "it is a percentage",
				"Set it above 0 and at most 100.");
		check.that(breaker.getSlidingWindowSize() >= 1, "circuit-breaker.sliding-window-size",
				breaker.getSlidingWindowSize(), "the window holds at least one call", "Set it to 1 or more.");
		check.that(breaker.getSlidingWindowSize() <= MAX_SLIDING_WINDOW_SIZE, "circuit-breaker.sliding-window-size",
				breaker.getSlidingWindowSize(),
				"Resilience4j keeps every call of the window, and so large a window notices an outage long after it began",
				"Set it to " + MAX_SLIDING_WINDOW_SIZE + " or less; 20 suits most services.");
		check.that(breaker.getMinimumNumberOfCalls() >= 1, "circuit-breaker.minimum-number-of-calls",
				breaker.getMinimumNumberOfCalls(), "it must be at least 1", "Set it to 1 or more.");
		check.that(isPositive(breaker.getWaitDurationInOpenState()), "circuit-breaker.wait-duration-in-open-state",
				breaker.getWaitDurationInOpenState(), "it must be longer than 0",
				"Set it to a positive duration such as 1s.");
		check.that(breaker.getWaitDurationInOpenState() == null
				|| atMost(breaker.getWaitDurationInOpenState(), MAX_POOL_TIMEOUT),
				"circuit-breaker.wait-duration-in-open-state", breaker.getWaitDurationInOpenState(),
				"while the breaker is open every request fails, even after the database is back",
				"Set it to 10m or less; 1s suits most services.");
		check.that(breaker.getPermittedCallsInHalfOpenState() >= 1,
				"circuit-breaker.permitted-calls-in-half-open-state", breaker.getPermittedCallsInHalfOpenState(),
				"at least one probe must be let through to notice a recovery", "Set it to 1 or more.");
		double threshold = properties.getHealth().getSaturationThreshold();
		check.that(threshold > 0 && threshold <= 1, "health.saturation-threshold", threshold,
				"it is a fraction of the pool", "Set it above 0 and at most 1; 0.8 means 80 %.");
		Duration interval = properties.getServerMetrics().getInterval();
		check.that(atLeast(interval, Duration.ofSeconds(1)), "server-metrics.interval", interval,
				"sampling the server more than once a second loads it for nothing", "Set it to 1s or more.");
		check.that(interval == null || atMost(interval, MAX_WINDOW_DURATION), "server-metrics.interval", interval,
				"a sample older than an hour shows a server that no longer exists", "Set it to 1h or less; 15s suits most services.");
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

	private static boolean atMost(Duration value, Duration maximum) {
		return value != null && value.compareTo(maximum) <= 0;
	}

	private static boolean isPositive(Duration value) {
		return value != null && !value.isNegative() && !value.isZero();
	}

	private record Checker(List<Problem> problems, UnaryOperator<String> names) {

		void that(boolean valid, String name, Object value, String reason, String fix) {
			if (!valid) {
				this.problems.add(new Problem(this.names.apply(name), EffectiveSetting.display(value), reason, fix));
			}
		}

	}

}
