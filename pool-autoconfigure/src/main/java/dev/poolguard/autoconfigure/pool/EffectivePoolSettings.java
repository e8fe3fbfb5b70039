package dev.poolguard.autoconfigure.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.poolguard.autoconfigure.PoolGuardSanitizer;

/**
 * The settings in force on the pool PoolGuard tuned, each with where its value came
 * from.
 *
 * @author PoolGuard
 */
public final class EffectivePoolSettings {

	private final Map<PoolSetting, EffectiveSetting> settings;

	private final Map<String, EffectiveSetting> driverProperties;

	EffectivePoolSettings(Map<PoolSetting, EffectiveSetting> settings, Map<String, EffectiveSetting> driverProperties) {
		this.settings = Collections.unmodifiableMap(new EnumMap<>(settings));
		this.driverProperties = Collections.unmodifiableMap(new LinkedHashMap<>(driverProperties));
	}

	/**
	 * Every covered setting, in the order of the documentation. Passed-through driver
	 * properties follow, their secrets masked.
	 * @return the settings
	 */
	public List<EffectiveSetting> all() {
		List<EffectiveSetting> all = new ArrayList<>(this.settings.values());
		this.driverProperties.forEach((key, setting) -> all.add(new EffectiveSetting(setting.property(),
				PoolGuardSanitizer.sanitize(key, setting.value()), setting.origin())));
		return all;
	}

	/**
	 * The maximum size of the pool.
	 * @return the connection limit
	 */
	public int connectionLimit() {
		return (Integer) get(PoolSetting.CONNECTION_LIMIT).value();
	}

	/**
	 * The longest time a request waits for a connection.
	 * @return the pool timeout
	 */
	public Duration poolTimeout() {
		return (Duration) get(PoolSetting.POOL_TIMEOUT).value();
	}

	/**
	 * The longest time a read from the database may block; zero means forever.
	 * @return the socket timeout
	 */
	public Duration socketTimeout() {
		return (Duration) get(PoolSetting.SOCKET_TIMEOUT).value();
	}

	/**
	 * The name the pool's connections show in {@code pg_stat_activity}.
	 * @return the application name, or {@code null} when it is left to the driver
	 */
	public String applicationName() {
		return (String) get(PoolSetting.APPLICATION_NAME).value();
	}

	EffectivePoolSettings with(PoolSetting setting, EffectiveSetting value) {
		Map<PoolSetting, EffectiveSetting> changed = new EnumMap<>(this.settings);
		changed.put(setting, value);
		return new EffectivePoolSettings(changed, this.driverProperties);
	}

	EffectiveSetting get(PoolSetting setting) {
		return this.settings.get(setting);
	}

	Map<String, EffectiveSetting> driverProperties() {
		return this.driverProperties;
	}

}
