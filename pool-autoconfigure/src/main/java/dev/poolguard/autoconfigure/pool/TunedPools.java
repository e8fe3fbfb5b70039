package dev.poolguard.autoconfigure.pool;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pools PoolGuard tuned, with the settings in force on each and where they came from.
 *
 * @author PoolGuard
 */
public final class TunedPools {

	private final Map<String, EffectivePoolSettings> pools = new ConcurrentHashMap<>();

	void add(String beanName, EffectivePoolSettings settings) {
		this.pools.put(beanName, settings);
	}

	/**
	 * The settings PoolGuard put in force on a pool.
	 * @param beanName the name of the pool's bean
	 * @return its settings, or {@code null} when PoolGuard did not tune it (not
	 * PostgreSQL, or not the application's {@code dataSource} bean)
	 */
	public EffectivePoolSettings settingsOf(String beanName) {
		return this.pools.get(beanName);
	}

}
