package dev.poolguard.autoconfigure.budget;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

/**
 * Reads the pool's traffic from the meters Spring Boot binds for HikariCP:
 * {@code hikaricp.connections.acquire} (one per borrowed connection),
 * {@code hikaricp.connections.usage} (how long each was held) and
 * {@code hikaricp.connections.pending} (threads waiting). Counts and totals are read as
 * they accumulate; the advisor takes differences over its window.
 *
 * @author PoolGuard
 */
final class MeterRegistryPoolDemand implements PoolDemand {

	private static final String POOL_TAG = "pool";

	private final MeterRegistry registry;

	private final Supplier<HikariDataSource> pool;

	MeterRegistryPoolDemand(MeterRegistry registry, Supplier<HikariDataSource> pool) {
		this.registry = registry;
		this.pool = pool;
	}

	@Override
	public Reading read() {
		HikariDataSource pool = this.pool.get();
		if (pool == null || pool.getPoolName() == null) {
			return null;
		}
		String name = pool.getPoolName();
		Timer acquire = this.registry.find("hikaricp.connections.acquire").tag(POOL_TAG, name).timer();
		Timer usage = this.registry.find(HoldTimePercentileMeterFilter.HOLD_TIME_METER).tag(POOL_TAG, name).timer();
		if (acquire == null || usage == null) {
			return null;
		}
		return new Reading(acquire.count(), usage.count(), usage.totalTime(TimeUnit.NANOSECONDS) / 1e9, p95(usage),
				waitingThreads(pool, name), pool.getMaximumPoolSize());
	}

	private int waitingThreads(HikariDataSource pool, String name) {
		Gauge pending = this.registry.find("hikaricp.connections.pending").tag(POOL_TAG, name).gauge();
		if (pending != null) {
			return (int) pending.value();
		}
		HikariPoolMXBean statistics = pool.getHikariPoolMXBean();
		return (statistics != null) ? statistics.getThreadsAwaitingConnection() : 0;
	}

	private static Double p95(Timer usage) {
		for (ValueAtPercentile value : usage.takeSnapshot().percentileValues()) {
			if (value.percentile() == HoldTimePercentileMeterFilter.PERCENTILE) {
				return value.value(TimeUnit.NANOSECONDS) / 1e9;
			}
		}
		return null;
	}

}
