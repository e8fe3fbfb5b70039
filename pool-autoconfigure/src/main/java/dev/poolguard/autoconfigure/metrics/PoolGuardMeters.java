package dev.poolguard.autoconfigure.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.PoolStatistics;
import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.pool.TunedPools;
import dev.poolguard.autoconfigure.server.ServerObserver;
import dev.poolguard.autoconfigure.server.ServerObservers;
import dev.poolguard.autoconfigure.server.ServerSample;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The gauges of a pool and of its server: {@code poolguard.pool.utilization},
 * {@code poolguard.server.connections} (by {@code state} and {@code client}: this
 * application's pool, PoolGuard's own side connections, or others') and {@code poolguard.server.max.connections}. Server gauges
 * read the last sample of the {@link ServerObserver} and are NaN until the first one.
 *
 * @author PoolGuard
 */
final class PoolGuardMeters implements MeterBinder {

	/** The states of {@code pg_stat_activity}, as tag values. */
	static final List<String> STATES = List.of("active", "idle", "idle_in_transaction", "idle_in_transaction_aborted",
			"fastpath_function_call", "disabled", "unknown");

	private final TunedPools pools;

	private final ServerObservers servers;

	PoolGuardMeters(TunedPools pools, ServerObservers servers) {
		this.pools = pools;
		this.servers = servers;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		// Bound once every singleton exists: every pool PoolGuard tunes is known, and a
		// pool it did not tune gets no meter of PoolGuard's.
		for (TunedPool pool : this.pools.all()) {
			bindTo(registry, pool.dataSource(), this.servers.of(pool));
		}
	}

	private void bindTo(MeterRegistry registry, HikariDataSource pool, ServerObserver server) {
		String poolName = pool.getPoolName();
		Gauge.builder("poolguard.pool.utilization", pool, (source) -> PoolStatistics.of(source).utilization())
			.description("Share of the pool's connections lent out, from 0 to 1")
			.tag("pool", poolName)
			.register(registry);
		for (String client : List.of("application", "poolguard", "other")) {
			Function<ServerSample, Map<String, Long>> connections = switch (client) {
				case "application" -> ServerSample::application;
				case "poolguard" -> ServerSample::poolGuard;
				default -> ServerSample::others;
			};
			for (String state : STATES) {
				Gauge.builder("poolguard.server.connections", server,
						(observer) -> count(observer.lastSample(), connections, state))
					.description("Client connections on the database server, from pg_stat_activity")
					.tag("pool", poolName)
					.tag("client", client)
					.tag("state", state)
					.register(registry);
			}
		}
		Gauge.builder("poolguard.server.max.connections", server,
				(observer) -> (observer.lastSample() != null) ? observer.lastSample().maxConnections() : Double.NaN)
			.description("The database server's max_connections")
			.tag("pool", poolName)
			.register(registry);
	}

	private static double count(ServerSample sample, Function<ServerSample, Map<String, Long>> connections,
			String state) {
		if (sample == null) {
			return Double.NaN;
		}
		return connections.apply(sample)
			.entrySet()
			.stream()
			.filter((entry) -> tag(entry.getKey()).equals(state)
					|| (!STATES.contains(tag(entry.getKey())) && state.equals("unknown")))
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

	static String tag(String state) {
		return state.toLowerCase(Locale.ROOT).replace("(", "").replace(")", "").trim().replace(' ', '_');
	}

}
