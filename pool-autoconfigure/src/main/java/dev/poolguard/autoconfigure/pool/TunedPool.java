package dev.poolguard.autoconfigure.pool;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;

/**
 * A PostgreSQL HikariCP pool that PoolGuard tuned: the one model every other part of
 * PoolGuard (guard, budget, health, endpoint, metrics) works from. There is one per
 * tuned pool, named by its bean; a pool PoolGuard did not tune (not PostgreSQL) has none,
 * so nothing of PoolGuard's exists for it.
 *
 * @author PoolGuard
 */
public final class TunedPool {

	private static final String DEFAULT_BEAN_NAME = "dataSource";

	private final String name;

	private final EffectivePoolSettings settings;

	private final SideConnections sideConnections;

	private final Pooler pooler;

	private final boolean primaryExpected;

	private final PoolGuardProperties properties;

	private volatile HikariDataSource dataSource;

	TunedPool(String name, EffectivePoolSettings settings, HikariDataSource dataSource,
			SideConnections sideConnections, Pooler pooler, boolean primaryExpected, PoolGuardProperties properties) {
		this.name = name;
		this.properties = properties;
		this.settings = settings;
		this.dataSource = dataSource;
		this.sideConnections = sideConnections;
		this.pooler = pooler;
		this.primaryExpected = primaryExpected;
	}

	/**
	 * The name of the pool's bean.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The name of the pool's Resilience4j instances: {@code poolguard} for Spring
	 * Boot's own pool (bean {@code dataSource}), {@code poolguard-<bean name>} for any
	 * other.
	 * @return the name
	 */
	public String instanceName() {
		return DEFAULT_BEAN_NAME.equals(this.name) ? "poolguard" : "poolguard-" + this.name;
	}

	/**
	 * The configuration in force for this pool: the top-level {@code poolguard.*} values
	 * with the pool's own {@code poolguard.pools.<name>.*} over them. Read a per-pool
	 * setting (retry, circuit breaker, max-waiting, health) from here, not from the
	 * application's {@link PoolGuardProperties} bean.
	 * @return the pool's configuration
	 */
	public PoolGuardProperties properties() {
		return this.properties;
	}

	/**
	 * The settings PoolGuard put in force, and where each came from.
	 * @return the settings
	 */
	public EffectivePoolSettings settings() {
		return this.settings;
	}

	/**
	 * The pool: PoolGuard's guarded pool once it replaced the one Spring Boot built.
	 * @return the pool
	 */
	public HikariDataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Records the pool that took this one's place.
	 * @param replacement the pool now in the context
	 */
	public void replacedBy(HikariDataSource replacement) {
		this.dataSource = replacement;
	}

	/**
	 * The connection pooler in front of the server, if any, and how it pools.
	 * @return the pooler, as declared or detected before the pool started
	 */
	public Pooler pooler() {
		return this.pooler;
	}

	/**
	 * Whether the pool must reach a primary: a read-only server is then a database
	 * failure, and its connections are refused and evicted.
	 * @return whether a primary is expected
	 */
	public boolean primaryExpected() {
		return this.primaryExpected;
	}

	/**
	 * Where PoolGuard's own connections to this pool's server come from.
	 * @return the side connections
	 */
	public SideConnections sideConnections() {
		return this.sideConnections;
	}

}
