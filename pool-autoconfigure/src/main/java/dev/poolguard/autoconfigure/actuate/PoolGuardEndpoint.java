package dev.poolguard.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.EffectiveSetting;
import dev.poolguard.autoconfigure.pool.PoolStatistics;
import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.pool.TunedPools;
import dev.poolguard.autoconfigure.resilience.AcquisitionEvents;
import dev.poolguard.autoconfigure.resilience.AcquisitionResilience;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.autoconfigure.server.ServerObserver;
import dev.poolguard.autoconfigure.server.ServerObservers;
import dev.poolguard.autoconfigure.server.ServerSample;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/poolguard}: what an on-call engineer needs in one place. The settings in
 * force and where each came from, the pool right now, the breaker and the retry, the
 * connection budget, the server's connections, and the last events. Its write operation
 * resizes the pool, when {@code poolguard.endpoint.resize-enabled=true}, within the
 * budget. Nothing it shows ever contains a password.
 *
 * @author PoolGuard
 */
@Endpoint(id = "poolguard")
public final class PoolGuardEndpoint {

	private static final Log logger = LogFactory.getLog(PoolGuardEndpoint.class);

	private final TunedPools pools;

	private final ServerObservers servers;

	private final double saturationThreshold;

	private final boolean resizeEnabled;

	private final Function<TunedPool, Map<String, Object>> budget;

	private final Function<TunedPool, OptionalInt> ceiling;

	private volatile Supplier<Map<String, Object>> replica = () -> null;

	PoolGuardEndpoint(TunedPools pools, ServerObservers servers, double saturationThreshold, boolean resizeEnabled,
			Function<TunedPool, Map<String, Object>> budget, Function<TunedPool, OptionalInt> ceiling) {
		this.pools = pools;
		this.servers = servers;
		this.saturationThreshold = saturationThreshold;
		this.resizeEnabled = resizeEnabled;
		this.budget = budget;
		this.ceiling = ceiling;
	}

	/**
	 * Shows where read-only work goes, next to the pools, when there is a read replica.
	 */
	void replica(Supplier<Map<String, Object>> replica) {
		this.replica = replica;
	}

	@ReadOperation
	public Map<String, Object> poolguard() {
		List<TunedPool> all = this.pools.all();
		if (all.isEmpty()) {
			Map<String, Object> report = new LinkedHashMap<>();
			report.put("guarded", false);
			report.put("reason", "PoolGuard tuned no pool: the application has no PostgreSQL HikariCP pool");
			return report;
		}
		if (all.size() == 1) {
			return report(all.get(0));
		}
		Map<String, Object> pools = new LinkedHashMap<>();
		all.forEach((pool) -> pools.put(pool.name(), report(pool)));
		Map<String, Object> replicaRouting = this.replica.get();
		return (replicaRouting != null) ? Map.of("pools", pools, "replica", replicaRouting) : Map.of("pools", pools);
	}

	private Map<String, Object> report(TunedPool tuned) {
		Map<String, Object> report = new LinkedHashMap<>();
		HikariDataSource pool = tuned.dataSource();
		report.put("pool", PoolStatistics.of(pool).toMap(this.saturationThreshold));
		report.put("configuration", tuned.settings().all().stream().map(PoolGuardEndpoint::describe).toList());
		report.put("pooler", tuned.pooler().toMap());
		report.put("primaryExpected", tuned.primaryExpected());
		AcquisitionEvents events = null;
		if (pool instanceof GuardedHikariDataSource guarded) {
			AcquisitionResilience resilience = guarded.resilience();
			report.put("circuitBreaker", circuitBreaker(resilience.circuitBreaker()));
			report.put("retry", retry(resilience.retry()));
			report.put("maxWaiting", resilience.maxWaiting());
			events = guarded.events();
		}
		report.put("budget", this.budget.apply(tuned));
		report.put("server", server(this.servers.of(tuned)));
		report.put("events", (events != null) ? events.recent() : List.of());
		return report;
	}

	/**
	 * Resizes the pool, within the connection budget, or within the server's limits when
	 * the budget is not checked.
	 * @param connectionLimit the new maximum size
	 * @return the sizes before and after
	 */
	@WriteOperation
	public Map<String, Object> resize(int connectionLimit) {
		if (!this.resizeEnabled) {
			throw refused("Resizing the pool is off: set poolguard.endpoint.resize-enabled=true to allow it.");
		}
		if (connectionLimit < 1) {
			throw refused("connectionLimit must be 1 or more, was " + connectionLimit + ".");
		}
		List<TunedPool> all = this.pools.all();
		if (all.size() != 1) {
			throw refused("Resizing needs exactly one pool guarded by PoolGuard; there are " + all.size()
					+ ": POST to /actuator/poolguard/<pool> to resize one of "
					+ all.stream().map(TunedPool::name).toList() + ".");
		}
		return resize(all.get(0), connectionLimit);
	}

	/**
	 * Resizes one of several pools, within what its server's budget leaves it next to the
	 * other pools on that server.
	 * @param pool the pool's name (its bean name)
	 * @param connectionLimit the new maximum size
	 * @return the sizes before and after
	 */
	@WriteOperation
	public Map<String, Object> resizePool(@Selector String pool, int connectionLimit) {
		if (!this.resizeEnabled) {
			throw refused("Resizing the pool is off: set poolguard.endpoint.resize-enabled=true to allow it.");
		}
		if (connectionLimit < 1) {
			throw refused("connectionLimit must be 1 or more, was " + connectionLimit + ".");
		}
		TunedPool tuned = this.pools.get(pool);
		if (tuned == null) {
			throw refused("PoolGuard guards no pool named " + pool + "; it guards "
					+ this.pools.all().stream().map(TunedPool::name).toList() + ".");
		}
		return resize(tuned, connectionLimit);
	}

	private Map<String, Object> resize(TunedPool tuned, int connectionLimit) {
		OptionalInt ceiling = this.ceiling.apply(tuned);
		if (ceiling.isEmpty()) {
			throw refused("connectionLimit " + connectionLimit + " cannot be checked against the server's limits, which "
					+ "could not be read (see budget in /actuator/poolguard): refused rather than guessed.");
		}
		if (connectionLimit > ceiling.getAsInt()) {
			throw refused("connectionLimit " + connectionLimit + " is over this instance's share of the server's "
					+ "connections (" + ceiling.getAsInt() + "); see budget in /actuator/poolguard.");
		}
		HikariConfigMXBean configuration = tuned.dataSource().getHikariConfigMXBean();
		int previous = configuration.getMaximumPoolSize();
		boolean fixedSize = configuration.getMinimumIdle() == previous;
		// Keep minimum-idle at or below the maximum at every step.
		if (connectionLimit > previous) {
			configuration.setMaximumPoolSize(connectionLimit);
			if (fixedSize) {
				configuration.setMinimumIdle(connectionLimit);
			}
		}
		else {
			if (fixedSize || configuration.getMinimumIdle() > connectionLimit) {
				configuration.setMinimumIdle(connectionLimit);
			}
			configuration.setMaximumPoolSize(connectionLimit);
		}
		String message = "connection-limit " + previous + " -> " + connectionLimit + " through /actuator/poolguard";
		logger.info("PoolGuard resized the pool: " + message);
		if (tuned.dataSource() instanceof GuardedHikariDataSource guarded) {
			guarded.events().record("resized", message);
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("previousConnectionLimit", previous);
		result.put("connectionLimit", configuration.getMaximumPoolSize());
		result.put("minIdle", configuration.getMinimumIdle());
		return result;
	}

	private static InvalidEndpointRequestException refused(String reason) {
		return new InvalidEndpointRequestException(reason, reason);
	}

	private static Map<String, Object> describe(EffectiveSetting setting) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("property", setting.property());
		map.put("value", (setting.value() != null) ? setting.displayValue() : null);
		map.put("origin", setting.origin());
		return map;
	}

	private static Map<String, Object> circuitBreaker(CircuitBreaker breaker) {
		Map<String, Object> map = new LinkedHashMap<>();
		if (breaker == null) {
			map.put("enabled", false);
			return map;
		}
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		CircuitBreakerConfig config = breaker.getCircuitBreakerConfig();
		map.put("name", breaker.getName());
		map.put("state", breaker.getState().name());
		map.put("failureRate", metrics.getFailureRate());
		map.put("bufferedCalls", metrics.getNumberOfBufferedCalls());
		map.put("failedCalls", metrics.getNumberOfFailedCalls());
		map.put("notPermittedCalls", metrics.getNumberOfNotPermittedCalls());
		map.put("failureRateThreshold", config.getFailureRateThreshold());
		map.put("slidingWindowSize", config.getSlidingWindowSize());
		map.put("minimumNumberOfCalls", config.getMinimumNumberOfCalls());
		map.put("waitDurationInOpenStateMillis", config.getWaitIntervalFunctionInOpenState().apply(1));
		map.put("permittedCallsInHalfOpenState", config.getPermittedNumberOfCallsInHalfOpenState());
		return map;
	}

	private static Map<String, Object> retry(Retry retry) {
		Map<String, Object> map = new LinkedHashMap<>();
		if (retry == null) {
			map.put("enabled", false);
			return map;
		}
		Retry.Metrics metrics = retry.getMetrics();
		map.put("name", retry.getName());
		map.put("maxAttempts", retry.getRetryConfig().getMaxAttempts());
		map.put("succeededAfterRetry", metrics.getNumberOfSuccessfulCallsWithRetryAttempt());
		map.put("failedAfterRetry", metrics.getNumberOfFailedCallsWithRetryAttempt());
		return map;
	}

	private static Map<String, Object> server(ServerObserver server) {
		ServerSample sample = server.lastSample();
		Map<String, Object> report = new LinkedHashMap<>();
		if (sample == null) {
			report.put("sampled", false);
			report.put("reason",
					"no sample yet (or poolguard.server-metrics.enabled=false); samples are taken every poolguard.server-metrics.interval");
		}
		else {
			report.putAll(sample.toMap());
		}
		if (server.lastReadOnly() != null) {
			report.put("primary", !Boolean.TRUE.equals(server.lastInRecovery()));
			report.put("readOnly", server.lastReadOnly());
		}
		return report;
	}

}
