package dev.poolguard.autoconfigure.pool;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pools PoolGuard tuned, by bean name. Empty when the application has no PostgreSQL
 * HikariCP pool: then every other part of PoolGuard does nothing.
 *
 * @author PoolGuard
 */
public final class TunedPools {

	private final Map<String, TunedPool> pools = new ConcurrentHashMap<>();

	void add(TunedPool pool) {
		this.pools.put(pool.name(), pool);
	}

	/**
	 * The pool of a bean, if PoolGuard tuned it.
	 * @param beanName the name of the pool's bean
	 * @return the pool, or {@code null} when PoolGuard did not tune it
	 */
	public TunedPool get(String beanName) {
		return this.pools.get(beanName);
	}

	/**
	 * The settings PoolGuard put in force on a pool.
	 * @param beanName the name of the pool's bean
	 * @return its settings, or {@code null} when PoolGuard did not tune it
	 */
	public EffectivePoolSettings settingsOf(String beanName) {
		TunedPool pool = this.pools.get(beanName);
		return (pool != null) ? pool.settings() : null;
	}

	/**
	 * Every tuned pool, in bean-name order.
	 * @return the pools
	 */
	public List<TunedPool> all() {
		return this.pools.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
	}

	/**
	 * Whether PoolGuard tuned no pool: the application's pools are not PostgreSQL.
	 * @return whether there is nothing to guard
	 */
	public boolean isEmpty() {
		return this.pools.isEmpty();
	}

}
