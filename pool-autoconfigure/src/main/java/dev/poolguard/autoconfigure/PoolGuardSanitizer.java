package dev.poolguard.autoconfigure;

import java.util.Locale;

/**
 * Masks values that must never reach a log line, an exception or an actuator response.
 * pgjdbc takes credentials as ordinary driver properties ({@code password},
 * {@code sslpassword}), so every driver property PoolGuard shows passes through here.
 *
 * @author PoolGuard
 */
public final class PoolGuardSanitizer {

	/** What a masked value is shown as. */
	public static final String MASK = "******";

	private static final String[] SENSITIVE_PARTS = { "password", "secret", "token", "credential", "passphrase" };

	private PoolGuardSanitizer() {
	}

	/**
	 * Whether a property with this name holds a secret.
	 * @param key a property name, in any case
	 * @return whether its value must be masked
	 */
	public static boolean isSensitive(String key) {
		String lower = key.toLowerCase(Locale.ROOT);
		for (String part : SENSITIVE_PARTS) {
			if (lower.contains(part)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The value to show for a property.
	 * @param key the property name
	 * @param value its value
	 * @return the value, or {@link #MASK} when the property holds a secret
	 */
	public static String sanitize(String key, Object value) {
		return isSensitive(key) ? MASK : String.valueOf(value);
	}

}
