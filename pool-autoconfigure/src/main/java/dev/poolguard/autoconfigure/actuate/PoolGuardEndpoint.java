package dev.poolguard.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.EffectivePoolSettings;
import dev.poolguard.autoconfigure.pool.EffectiveSetting;
import dev.poolguard.autoconfigure.pool.PoolStatistics;
import dev.poolguard.autoconfigure.resilience.AcquisitionEvents;
import dev.poolguard.autoconfigure.resilience.AcquisitionResilience;
import dev.poolguard.autoconfigure.server.ServerObserver;
import dev.poolguard.autoconfigure.server.ServerSample;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
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
public class PoolGuardEndpoint {

	private static final Log logger = LogFactory.getLog(PoolGuardEndpoint.class);

	private final Supplier<HikariDataSource> pool;

	private final Supplier<EffectivePoolSettings> settings;

	private final AcquisitionResilience resilience;

	private final AcquisitionEvents events;

	private final ServerObserver server;

	private final double saturationThreshold;

	private final boolean resizeEnabled;

	private final Supplier<Map<String, Object>> budget;

	private final Supplier<OptionalInt> budgetLimit;

	PoolGuardEndpoint(Supplier<HikariDataSource> pool, Supplier<EffectivePoolSettings> settings,
			AcquisitionResilience resilience, AcquisitionEvents events, ServerObserver server,
			double saturationThreshold, boolean resizeEnabled, Supplier<Map<String, Object>> budget,
			Supplier<OptionalInt> budgetLimit) {
		this.pool = pool;
		this.settings = settings;
		this.resilience = resilience;
		this.events = events;
		this.server = server;
		this.saturationThreshold = saturationThreshold;
		this.resizeEnabled = resizeEnabled;
		this.budget = budget;
		this.budgetLimit = budgetLimit;
	}

	@ReadOperation
	public Map<String, Object> poolguard() {
		Map<String, Object> report = new LinkedHashMap<>();
		HikariDataSource pool = this.pool.get();
		if (pool != null) {
			report.put("pool", PoolStatistics.of(pool).toMap(this.saturationThreshold));
		}
		report.put("configuration", configuration());
		if (this.resilience != null) {
			report.put("circuitBreaker", circuitBreaker(this.resilience.circuitBreaker()));
			report.put("retry", retry(this.resilience.retry()));
			report.put("maxWaiting", this.resilience.maxWaiting());
		}
		report.put("budget", this.budget.get());
		report.put("server", server());
		report.put("events", (this.events != null) ? this.events.recent() : List.of());
		return report;
	}

	/**
	 * Resizes the pool, within the connection budget.
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
		OptionalInt budget = this.budgetLimit.get();
		if (budget.isPresent() && connectionLimit > budget.getAsInt()) {
			throw refused("connectionLimit " + connectionLimit + " is over this instance's connection budget of "
					+ budget.getAsInt() + " connections; see budget in /actuator/poolguard.");
		}
		HikariConfigMXBean configuration = this.pool.get().getHikariConfigMXBean();
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
		if (this.events != null) {
			this.events.record("resized", message);
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

	private List<Map<String, Object>> configuration() {
		EffectivePoolSettings settings = this.settings.get();
		if (settings == null) {
			return List.of();
		}
		return settings.all().stream().map(PoolGuardEndpoint::describe).toList();
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

	private Map<String, Object> server() {
		ServerSample sample = (this.server != null) ? this.server.lastSample() : null;
		if (sample == null) {
			return Map.of("sampled", false, "reason",
					"no sample yet (or poolguard.server-metrics.enabled=false); samples are taken every poolguard.server-metrics.interval");
		}
		return sample.toMap();
	}

}
