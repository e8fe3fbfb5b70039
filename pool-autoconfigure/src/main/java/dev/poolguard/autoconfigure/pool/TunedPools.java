package dev.poolguard.autoconfigure.pool;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The pools PoolGuard tuned, with the settings in force on each and where they came from.
 *
 * @author PoolGuard
 */
public final class TunedPools {

	private final Map<HikariDataSource, EffectivePoolSettings> pools = Collections
		.synchronizedMap(new IdentityHashMap<>());

	void add(HikariDataSource pool, EffectivePoolSettings settings) {
		this.pools.put(pool, settings);
	}

	/**
	 * The settings PoolGuard put in force on a pool.
	 * @param pool the pool
	 * @return its settings, or {@code null} when PoolGuard did not tune it (not
	 * PostgreSQL, or not the application's {@code dataSource} bean)
	 */
	public EffectivePoolSettings settingsOf(HikariDataSource pool) {
		return this.pools.get(pool);
	}

}
