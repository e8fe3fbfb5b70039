package dev.poolguard.autoconfigure.pool;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.ObjLongConsumer;
import java.util.function.ToLongFunction;

import com.zaxxer.hikari.HikariConfig;
import dev.poolguard.autoconfigure.PoolGuardProperties;

/**
 * The HikariCP and pgjdbc settings that PoolGuard covers, and how each maps between a
 * {@code poolguard.*} property, {@code spring.datasource.hikari.*} and the driver.
 *
 * @author PoolGuard
 */
enum PoolSetting {

	CONNECTION_LIMIT("connection-limit", ValueType.COUNT, PoolGuardProperties::getConnectionLimit,
			"maximum-pool-size", HikariConfig::getMaximumPoolSize, (c, v) -> c.setMaximumPoolSize((int) v)),

	MIN_IDLE("min-idle", ValueType.COUNT, PoolGuardProperties::getMinIdle, "minimum-idle",
			HikariConfig::getMinimumIdle, (c, v) -> c.setMinimumIdle((int) v)),

	POOL_TIMEOUT("pool-timeout", ValueType.MILLIS, PoolGuardProperties::getPoolTimeout, "connection-timeout",
			HikariConfig::getConnectionTimeout, HikariConfig::setConnectionTimeout),

	MAX_LIFETIME("max-lifetime", ValueType.MILLIS, PoolGuardProperties::getMaxLifetime, "max-lifetime",
			HikariConfig::getMaxLifetime, HikariConfig::setMaxLifetime),

	IDLE_TIMEOUT("idle-timeout", ValueType.MILLIS, PoolGuardProperties::getIdleTimeout, "idle-timeout",
			HikariConfig::getIdleTimeout, HikariConfig::setIdleTimeout),

	KEEPALIVE_TIME("keepalive-time", ValueType.MILLIS, PoolGuardProperties::getKeepaliveTime, "keepalive-time",
			HikariConfig::getKeepaliveTime, HikariConfig::setKeepaliveTime),

	VALIDATION_TIMEOUT("validation-timeout", ValueType.MILLIS, PoolGuardProperties::getValidationTimeout,
			"validation-timeout", HikariConfig::getValidationTimeout, HikariConfig::setValidationTimeout),

	LEAK_DETECTION_THRESHOLD("leak-detection-threshold", ValueType.MILLIS,
			PoolGuardProperties::getLeakDetectionThreshold, "leak-detection-threshold",
			HikariConfig::getLeakDetectionThreshold, HikariConfig::setLeakDetectionThreshold),

	STATEMENT_CACHE_SIZE("statement-cache-size", ValueType.COUNT, PoolGuardProperties::getStatementCacheSize,
			"preparedStatementCacheQueries"),

	STATEMENT_CACHE_SIZE_MIB("statement-cache-size-mib", ValueType.COUNT,
			PoolGuardProperties::getStatementCacheSizeMib, "preparedStatementCacheSizeMiB"),

	PREPARE_THRESHOLD("prepare-threshold", ValueType.COUNT, PoolGuardProperties::getPrepareThreshold,
			"prepareThreshold"),

	SOCKET_TIMEOUT("socket-timeout", ValueType.SECONDS, PoolGuardProperties::getSocketTimeout, "socketTimeout"),

	CONNECT_TIMEOUT("connect-timeout", ValueType.SECONDS, PoolGuardProperties::getConnectTimeout, "connectTimeout"),

	TCP_KEEP_ALIVE("tcp-keep-alive", ValueType.FLAG, PoolGuardProperties::isTcpKeepAlive, "tcpKeepAlive"),

	APPLICATION_NAME("application-name", ValueType.TEXT, PoolGuardProperties::getApplicationName,
			"ApplicationName");

	private final String name;

	private final ValueType type;

	private final Function<PoolGuardProperties, Object> configuredValue;

	private final String hikariProperty;

	private final ToLongFunction<HikariConfig> hikariGetter;

	private final ObjLongConsumer<HikariConfig> hikariSetter;

	private final String driverProperty;

	<T> PoolSetting(String name, ValueType type, Function<PoolGuardProperties, T> configuredValue,
			String hikariProperty, ToLongFunction<HikariConfig> hikariGetter, ObjLongConsumer<HikariConfig> hikariSetter) {
		this.name = name;
		this.type = type;
		this.configuredValue = configuredValue::apply;
		this.hikariProperty = hikariProperty;
		this.hikariGetter = hikariGetter;
		this.hikariSetter = hikariSetter;
		this.driverProperty = null;
	}

	<T> PoolSetting(String name, ValueType type, Function<PoolGuardProperties, T> configuredValue,
			String driverProperty) {
		this.name = name;
		this.type = type;
		this.configuredValue = configuredValue::apply;
		this.hikariProperty = null;
		this.hikariGetter = null;
		this.hikariSetter = null;
		this.driverProperty = driverProperty;
	}

	/**
	 * The full PoolGuard property name, such as {@code poolguard.connection-limit}.
	 */
	String property() {
		return PoolGuardProperties.PREFIX + "." + this.name;
	}

	boolean isHikariSetting() {
		return this.hikariProperty != null;
	}

	/**
	 * The property Spring Boot binds onto the pool, such as
	 * {@code spring.datasource.hikari.maximum-pool-size}, or for a driver setting
	 * {@code spring.datasource.hikari.data-source-properties.socketTimeout}.
	 */
	String springProperty() {
		return isHikariSetting() ? "spring.datasource.hikari." + this.hikariProperty
				: "spring.datasource.hikari.data-source-properties." + this.driverProperty;
	}

	String driverProperty() {
		return this.driverProperty;
	}

	Object configuredValue(PoolGuardProperties properties) {
		return this.configuredValue.apply(properties);
	}

	Object hikariValue(HikariConfig config) {
		return this.type.fromLong(this.hikariGetter.applyAsLong(config));
	}

	void applyToHikari(HikariConfig config, Object value) {
		this.hikariSetter.accept(config, this.type.toLong(value));
	}

	Object fromDriver(String value) {
		return this.type.fromDriver(value);
	}

	String toDriver(Object value) {
		return this.type.toDriver(value);
	}

	/**
	 * How a setting's value is held by PoolGuard, HikariCP and the driver.
	 */
	enum ValueType {

		/** A whole number. */
		COUNT {
			@Override
			Object fromDriver(String value) {
				return Integer.valueOf(value.trim());
			}
		},

		/** A {@link Duration}; HikariCP holds milliseconds. */
		MILLIS {
			@Override
			long toLong(Object value) {
				return ((Duration) value).toMillis();
			}

			@Override
			Object fromLong(long value) {
				return Duration.ofMillis(value);
			}
		},

		/** A {@link Duration}; pgjdbc holds whole seconds. */
		SECONDS {
			@Override
			Object fromDriver(String value) {
				return Duration.ofSeconds(Long.parseLong(value.trim()));
			}

			@Override
			String toDriver(Object value) {
				return Long.toString(((Duration) value).toSeconds());
			}
		},

		/** A boolean. */
		FLAG {
			@Override
			Object fromDriver(String value) {
				return Boolean.valueOf(value.trim());
			}
		},

		/** Text. */
		TEXT;

		long toLong(Object value) {
			return ((Number) value).longValue();
		}

		Object fromLong(long value) {
			return (int) value;
		}

		Object fromDriver(String value) {
			return value;
		}

		String toDriver(Object value) {
			return String.valueOf(value);
		}

	}

}
