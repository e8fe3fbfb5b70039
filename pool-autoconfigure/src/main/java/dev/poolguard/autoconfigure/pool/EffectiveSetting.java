package dev.poolguard.autoconfigure.pool;

import java.time.Duration;

/**
 * The value a pool or driver setting takes on the running pool, and where it came from.
 *
 * @param property the PoolGuard property that covers the setting, such as
 * {@code poolguard.connection-limit}
 * @param value the value in force: an {@link Integer}, {@link Duration},
 * {@link Boolean} or {@link String}, or {@code null} when the setting is left to the
 * driver
 * @param origin where the value came from: the property that set it (for example
 * {@code spring.datasource.hikari.maximum-pool-size}), the JDBC URL, or
 * {@value #DEFAULT_ORIGIN}
 * @author PoolGuard
 */
public record EffectiveSetting(String property, Object value, String origin) {

	/** The origin of a value that nobody set: PoolGuard's tuned default. */
	public static final String DEFAULT_ORIGIN = "PoolGuard default";

	/**
	 * Whether the value is PoolGuard's default rather than one a user set.
	 * @return whether nobody set it
	 */
	public boolean isDefault() {
		return DEFAULT_ORIGIN.equals(this.origin);
	}

	/**
	 * The value as a person would write it in {@code application.yml}.
	 * @return the value, durations as {@code 5s} or {@code 250ms}
	 */
	public String displayValue() {
		return display(this.value);
	}

	static String display(Object value) {
		if (value instanceof Duration duration) {
			if (duration.isZero()) {
				return "0";
			}
			long millis = duration.toMillis();
			if (millis % 60_000 == 0) {
				return (millis / 60_000) + "m";
			}
			return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
		}
		return String.valueOf(value);
	}

}
