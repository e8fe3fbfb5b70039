package dev.poolguard.autoconfigure.pool;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.poolguard.autoconfigure.PoolGuardProperties;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * The configuration in force for one pool: the top-level {@code poolguard.*} values,
 * with {@code poolguard.pools.<name>.*} bound over them. Both are bound by Spring Boot's
 * own binder, so a per-pool value takes the same forms (relaxed names, environment
 * variables, {@code 30} meaning thirty seconds) and fails the same way as a top-level
 * one.
 *
 * @author PoolGuard
 */
public final class PerPoolProperties {

	/**
	 * The first element (loose form) of the keys a pool may set for itself; the others
	 * are about the whole application.
	 */
	static final Set<String> PER_POOL_GROUPS = Stream
		.concat(Stream.of(PoolSetting.values()).map(PoolSetting::name),
				Stream.of("enabled", "driver-properties", "retry", "circuit-breaker", "max-waiting", "health"))
		.map((name) -> name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT))
		.collect(Collectors.toUnmodifiableSet());

	private PerPoolProperties() {
	}

	/**
	 * Binds the configuration in force for a pool.
	 * @param binder the binder of the application's environment
	 * @param poolName the name of the pool's bean
	 * @return a new {@link PoolGuardProperties} holding the top-level values with the
	 * pool's own over them
	 */
	public static PoolGuardProperties bind(Binder binder, String poolName) {
		PoolGuardProperties properties = new PoolGuardProperties();
		binder.bind(PoolGuardProperties.PREFIX, Bindable.ofInstance(properties));
		binder.bind(name(poolName, null), Bindable.ofInstance(properties));
		return properties;
	}

	/**
	 * The property that sets a key for one pool, as the documentation writes it.
	 * @param poolName the name of the pool's bean
	 * @param key a key such as {@code connection-limit}
	 * @return {@code poolguard.pools.<name>.<key>}
	 */
	public static String property(String poolName, String key) {
		return PoolGuardProperties.PREFIX + ".pools." + poolName + "." + key;
	}

	/**
	 * Whether a pool sets a key for itself.
	 * @param binder the binder of the application's environment
	 * @param poolName the name of the pool's bean
	 * @param key a key such as {@code connection-limit}
	 * @return whether {@code poolguard.pools.<name>.<key>} has a value
	 */
	static boolean isSet(Binder binder, String poolName, String key) {
		return binder.bind(name(poolName, key), Bindable.of(String.class)).isBound();
	}

	/**
	 * The name of a pool's group, or of one key in it. A bean name such as
	 * {@code scriptsDataSource} is not a canonical property name element, so it is
	 * adapted: Spring Boot then compares it to what is written the way it compares any
	 * name, ignoring case and dashes ({@code POOLGUARD_POOLS_SCRIPTSDATASOURCE_...}).
	 */
	private static ConfigurationPropertyName name(String poolName, String key) {
		ConfigurationPropertyName pool = ConfigurationPropertyName.of(PoolGuardProperties.PREFIX + ".pools")
			.append(ConfigurationPropertyName.adapt(poolName, '.'));
		return (key != null) ? pool.append(key) : pool;
	}

}
