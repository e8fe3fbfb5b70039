package dev.poolguard.autoconfigure.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.PoolStatistics;
import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.server.ServerObserver;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code poolguard} health component. Unlike Spring Boot's {@code db} indicator it
 * never borrows a pooled connection, so an exhausted pool cannot make it hang or report
 * DOWN: it tells "pool busy" (UP, {@code saturated: true}) from "database gone" (DOWN),
 * and answers within a fraction of a second even when the network to the database is a
 * black hole. A server that refuses PoolGuard's probe because it is full is reachable:
 * the component stays UP, with {@code serverFull: true}, while the pool works.
 *
 * @author PoolGuard
 */
final class PoolGuardHealthIndicator implements HealthIndicator {

	/** Longest wait for the server's answer; the component answers well within 250 ms. */
	static final Duration CHECK_BUDGET = Duration.ofMillis(150);

	private final HikariDataSource pool;

	private final CircuitBreaker circuitBreaker;

	private final ServerObserver server;

	private final double saturationThreshold;

	private final Supplier<Map<String, Object>> budget;

	private final TunedPool tuned;

	PoolGuardHealthIndicator(HikariDataSource pool, CircuitBreaker circuitBreaker, ServerObserver server,
			double saturationThreshold, Supplier<Map<String, Object>> budget) {
		this(pool, circuitBreaker, server, saturationThreshold, budget, null);
	}

	PoolGuardHealthIndicator(HikariDataSource pool, CircuitBreaker circuitBreaker, ServerObserver server,
			double saturationThreshold, Supplier<Map<String, Object>> budget, TunedPool tuned) {
		this.tuned = tuned;
		this.pool = pool;
		this.circuitBreaker = circuitBreaker;
		this.server = server;
		this.saturationThreshold = saturationThreshold;
		this.budget = budget;
	}

	@Override
	public Health health() {
		ServerObserver.Reachability database = this.server.check(CHECK_BUDGET);
		boolean breakerOpen = this.circuitBreaker != null
				&& (this.circuitBreaker.getState() == CircuitBreaker.State.OPEN
						|| this.circuitBreaker.getState() == CircuitBreaker.State.FORCED_OPEN);
		// A read-only server where a primary is expected fails every write: the database is
		// down for this pool, though it answers.
		boolean wrongServer = this.tuned != null && this.tuned.primaryExpected()
				&& Boolean.TRUE.equals(this.server.lastReadOnly()) && !database.isUnreachable();
		Health.Builder health = (database.isUnreachable() || breakerOpen || wrongServer) ? Health.down()
				: Health.up();
		health.withDetail("pool", PoolStatistics.of(this.pool).toMap(this.saturationThreshold));
		if (this.circuitBreaker != null) {
			Map<String, Object> breaker = new LinkedHashMap<>();
			breaker.put("state", this.circuitBreaker.getState().name());
			breaker.put("failureRate", this.circuitBreaker.getMetrics().getFailureRate());
			health.withDetail("circuitBreaker", breaker);
		}
		Map<String, Object> databaseDetails = describe(database);
		if (this.server.lastReadOnly() != null && !database.isUnreachable()) {
			databaseDetails.put("primary", !Boolean.TRUE.equals(this.server.lastInRecovery()));
			databaseDetails.put("readOnly", this.server.lastReadOnly());
			if (wrongServer) {
				databaseDetails.put("problem", "the server is read-only where a primary is expected: writes answer 503");
			}
		}
		health.withDetail("database", databaseDetails);
		if (this.tuned != null) {
			health.withDetail("pooler", this.tuned.pooler().toMap());
		}
		health.withDetail("budget", this.budget.get());
		return health.build();
	}

	private static Map<String, Object> describe(ServerObserver.Reachability database) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("reachable", (database.reachable() != null) ? database.reachable() : "unknown");
		if (database.full()) {
			// It answered: it has no slot for one more connection, which only matters to
			// the pool when the pool cannot work, and then the breaker says so.
			details.put("serverFull", true);
		}
		if (database.error() != null) {
			details.put("lastError", database.error());
		}
		if (database.checkedAt() != null) {
			details.put("checkedAt", database.checkedAt().toString());
		}
		if (database.checking()) {
			details.put("checking", true);
		}
		return details;
	}

}
