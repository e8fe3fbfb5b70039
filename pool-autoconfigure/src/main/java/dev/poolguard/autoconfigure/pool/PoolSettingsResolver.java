package dev.poolguard.autoconfigure.pool;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.zaxxer.hikari.HikariConfig;
import dev.poolguard.autoconfigure.PoolGuardConfigurationException.Problem;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.PoolGuardSanitizer;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Works out the value each covered setting takes, and where it came from. A value set in
 * {@code poolguard.*} wins; one set only through {@code spring.datasource.hikari.*}, on
 * the pool bean or in the JDBC URL is kept, so that adding PoolGuard never silently
 * undoes a setting; otherwise PoolGuard's tuned default applies. A setting given two
 * different values is a {@link Problem}: guessing which one the user meant is how a
 * production pool ends up with a size nobody chose.
 *
 * @author PoolGuard
 */
final class PoolSettingsResolver {

	private static final HikariConfig HIKARI_DEFAULTS = new HikariConfig();

	private static final String SPRING_APPLICATION_NAME = "spring.application.name";

	/** Where an application name PoolGuard made up comes from. */
	static final String GENERATED_ORIGIN = "generated (spring.application.name is not set)";

	/** One per process: every pool of the application carries it, and no other process. */
	private static final String GENERATED_APPLICATION_NAME = "app-" + ProcessHandle.current().pid() + "-"
			+ Integer.toHexString(new java.security.SecureRandom().nextInt(0x10000));

	/** The bean name of the pool Spring Boot builds from spring.datasource.*. */
	static final String SPRING_BOOT_POOL = "dataSource";

	private final Binder binder;

	private final String poolName;

	PoolSettingsResolver(Binder binder) {
		this(binder, SPRING_BOOT_POOL);
	}

	/**
	 * A resolver for one pool. For Spring Boot's own pool ({@value #SPRING_BOOT_POOL}) a
	 * top-level value conflicts with a different {@code spring.datasource.hikari.*}
	 * one. Any other pool was built by the application, typically bound from a prefix of
	 * its own: the values it set on its bean win over top-level {@code poolguard.*}
	 * values (which apply to every pool), and conflict only with the pool's own
	 * {@code poolguard.pools.<name>.*} values.
	 */
	PoolSettingsResolver(Binder binder, String poolName) {
		this.binder = binder;
		this.poolName = poolName;
	}

	EffectivePoolSettings resolve(PoolGuardProperties properties, HikariConfig pool, List<Problem> problems) {
		Map<String, String> urlParameters = urlParameters(pool.getJdbcUrl());
		Map<PoolSetting, EffectiveSetting> settings = new EnumMap<>(PoolSetting.class);
		for (PoolSetting setting : PoolSetting.values()) {
			EffectiveSetting existing = setting.isHikariSetting() ? setOnPool(setting, pool)
					: setForDriver(setting, pool, urlParameters);
			settings.put(setting, choose(setting, properties, existing, settings, problems));
		}
		Map<String, EffectiveSetting> driverProperties = new LinkedHashMap<>();
		properties.getDriverProperties().forEach((key, value) -> {
			String property = PoolGuardProperties.PREFIX + ".driver-properties." + key;
			boolean covered = false;
			for (PoolSetting setting : PoolSetting.values()) {
				// Case-insensitive: an environment variable (POOLGUARD_DRIVERPROPERTIES_SOCKETTIMEOUT)
				// arrives in lower case, which pgjdbc would silently ignore.
				if (key.equalsIgnoreCase(setting.driverProperty())) {
					covered = true;
					problems.add(new Problem(property, PoolGuardSanitizer.sanitize(key, value),
							"it is a setting PoolGuard covers itself", "Set " + setting.property() + " ("
									+ UnknownProperties.environmentVariable(setting.property()) + ") instead."));
				}
			}
			String spelling = DriverPropertyNames.misspeltCase(key);
			if (!covered && spelling != null) {
				problems.add(new Problem(property, PoolGuardSanitizer.sanitize(key, value),
						"pgjdbc reads " + spelling + ", with that case, and would ignore " + key,
						"Write it as " + PoolGuardProperties.PREFIX + ".driver-properties." + spelling
								+ "; an environment variable cannot keep the case, so put ?" + spelling
								+ "=... in the JDBC URL instead."));
			}
			EffectiveSetting existing = setForDriver(key, pool, urlParameters);
			if (existing != null && !Objects.equals(existing.value(), value)) {
				problems.add(conflict(property, PoolGuardSanitizer.sanitize(key, value), existing,
						PoolGuardSanitizer.sanitize(key, existing.value())));
			}
			driverProperties.put(key, new EffectiveSetting(property, value, property));
		});
		return new EffectivePoolSettings(settings, driverProperties);
	}

	private EffectiveSetting choose(PoolSetting setting, PoolGuardProperties properties, EffectiveSetting existing,
			Map<PoolSetting, EffectiveSetting> resolved, List<Problem> problems) {
		Object configured = setting.configuredValue(properties);
		String configuredBy = configuredBy(setting);
		if (configuredBy != null && (existing == null || isSpringBootPool() || !configuredBy.equals(setting.property()))) {
			if (existing != null && !Objects.equals(existing.value(), configured)) {
				problems.add(conflict(configuredBy, EffectiveSetting.display(configured), existing,
						existing.displayValue()));
			}
			return new EffectiveSetting(setting.property(), configured, configuredBy);
		}
		if (setting == PoolSetting.PREPARE_THRESHOLD
				&& Integer.valueOf(0).equals(resolved.get(PoolSetting.STATEMENT_CACHE_SIZE).value())) {
			return new EffectiveSetting(setting.property(), 0, PoolSetting.STATEMENT_CACHE_SIZE.property() + "=0");
		}
		if (existing != null) {
			return existing;
		}
		if (setting == PoolSetting.MIN_IDLE) {
			EffectiveSetting limit = resolved.get(PoolSetting.CONNECTION_LIMIT);
			return new EffectiveSetting(setting.property(), limit.value(),
					limit.isDefault() ? EffectiveSetting.DEFAULT_ORIGIN : limit.origin());
		}
		if (setting == PoolSetting.VALIDATION_TIMEOUT) {
			// A connection test must leave a waiting request time to get another connection.
			Duration halfPoolTimeout = ((Duration) resolved.get(PoolSetting.POOL_TIMEOUT).value()).dividedBy(2);
			Duration validationTimeout = (Duration) configured;
			return new EffectiveSetting(setting.property(),
					(halfPoolTimeout.compareTo(validationTimeout) < 0) ? halfPoolTimeout : validationTimeout,
					EffectiveSetting.DEFAULT_ORIGIN);
		}
		if (setting == PoolSetting.APPLICATION_NAME) {
			String applicationName = this.binder.bind(SPRING_APPLICATION_NAME, String.class).orElse(null);
			if (applicationName == null) {
				// pgjdbc's default names every Java client alike: this application's
				// connections could not be told from any other's.
				return new EffectiveSetting(setting.property(), GENERATED_APPLICATION_NAME, GENERATED_ORIGIN);
			}
			return new EffectiveSetting(setting.property(), applicationName, SPRING_APPLICATION_NAME);
		}
		return new EffectiveSetting(setting.property(), fitDefaultToMaxLifetime(setting, configured, resolved),
				EffectiveSetting.DEFAULT_ORIGIN);
	}

	/**
	 * A default never stops startup: next to a short max-lifetime, the timers that must
	 * fire within a connection's life yield, as HikariCP itself would make them.
	 */
	private static Object fitDefaultToMaxLifetime(PoolSetting setting, Object value,
			Map<PoolSetting, EffectiveSetting> resolved) {
		if (!(value instanceof Duration duration) || !resolved.containsKey(PoolSetting.MAX_LIFETIME)) {
			return value;
		}
		Duration maxLifetime = (Duration) resolved.get(PoolSetting.MAX_LIFETIME).value();
		if (duration.compareTo(maxLifetime) < 0) {
			return value;
		}
		return switch (setting) {
			case IDLE_TIMEOUT, KEEPALIVE_TIME -> Duration.ZERO;
			default -> value;
		};
	}

	private static Problem conflict(String property, String value, EffectiveSetting existing, String existingValue) {
		return new Problem(property, value,
				existing.origin() + " sets the same setting to " + existingValue + ", and only one can be in force",
				"Remove one of the two, or give them the same value. " + property
						+ " is the one PoolGuard documents and checks.");
	}

	/**
	 * The value a HikariCP setting has on the pool when somebody set it: through
	 * {@code spring.datasource.hikari.*}, or on a pool bean the application built itself.
	 */
	private EffectiveSetting setOnPool(PoolSetting setting, HikariConfig pool) {
		Object value = setting.hikariValue(pool);
		if (isSpringBootPool() && isBound(setting.springProperty())) {
			return new EffectiveSetting(setting.property(), value, setting.springProperty());
		}
		if (!Objects.equals(value, setting.hikariValue(HIKARI_DEFAULTS))) {
			return new EffectiveSetting(setting.property(), value,
					isSpringBootPool() ? "the HikariDataSource bean" : "the " + this.poolName + " bean");
		}
		return null;
	}

	private EffectiveSetting setForDriver(PoolSetting setting, HikariConfig pool, Map<String, String> urlParameters) {
		EffectiveSetting existing = setForDriver(setting.driverProperty(), pool, urlParameters);
		if (existing == null) {
			return null;
		}
		Object value;
		try {
			value = setting.fromDriver((String) existing.value());
		}
		catch (RuntimeException ex) {
			value = existing.value();
		}
		return new EffectiveSetting(setting.property(), value, existing.origin());
	}

	/**
	 * A driver property set in the JDBC URL (which pgjdbc lets win over every other
	 * source) or in {@code spring.datasource.hikari.data-source-properties}.
	 */
	private static EffectiveSetting setForDriver(String key, HikariConfig pool, Map<String, String> urlParameters) {
		String fromUrl = urlParameters.get(key);
		if (fromUrl != null) {
			return new EffectiveSetting(key, fromUrl, "the JDBC URL parameter " + key);
		}
		Object fromPool = pool.getDataSourceProperties().get(key);
		if (fromPool != null) {
			return new EffectiveSetting(key, String.valueOf(fromPool),
					"spring.datasource.hikari.data-source-properties." + key);
		}
		return null;
	}

	/**
	 * The property that gives a setting its value for this pool: the pool's own
	 * {@code poolguard.pools.<name>.*}, else the top-level one, else none.
	 */
	private String configuredBy(PoolSetting setting) {
		String key = setting.property().substring(PoolGuardProperties.PREFIX.length() + 1);
		if (PerPoolProperties.isSet(this.binder, this.poolName, key)) {
			return PerPoolProperties.property(this.poolName, key);
		}
		return isBound(setting.property()) ? setting.property() : null;
	}

	private boolean isSpringBootPool() {
		return SPRING_BOOT_POOL.equals(this.poolName);
	}

	private boolean isBound(String property) {
		return this.binder.bind(property, Bindable.of(String.class)).isBound();
	}

	static Map<String, String> urlParameters(String jdbcUrl) {
		Map<String, String> parameters = new LinkedHashMap<>();
		int query = (jdbcUrl != null) ? jdbcUrl.indexOf('?') : -1;
		if (query < 0) {
			return parameters;
		}
		for (String pair : jdbcUrl.substring(query + 1).split("&")) {
			int equals = pair.indexOf('=');
			if (equals > 0) {
				parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
						URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
			}
		}
		return parameters;
	}

}
