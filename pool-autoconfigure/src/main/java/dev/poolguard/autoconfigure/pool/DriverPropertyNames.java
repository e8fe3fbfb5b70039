package dev.poolguard.autoconfigure.pool;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.util.ClassUtils;

/**
 * The names pgjdbc reads its connection properties by, read from the driver on the
 * classpath ({@code org.postgresql.PGProperty}). pgjdbc looks them up case-sensitively,
 * so {@code sockettimeout} (what an environment variable gives) is silently ignored.
 *
 * @author PoolGuard
 */
final class DriverPropertyNames {

	private static final Map<String, String> BY_LOWER_CASE = load();

	private DriverPropertyNames() {
	}

	/**
	 * The driver's spelling of a property written with another case.
	 * @param key a driver property name as written
	 * @return pgjdbc's spelling when it differs from the key only by case, otherwise
	 * {@code null}
	 */
	static String misspeltCase(String key) {
		String spelling = BY_LOWER_CASE.get(key.toLowerCase(Locale.ROOT));
		return (spelling != null && !spelling.equals(key)) ? spelling : null;
	}

	private static Map<String, String> load() {
		Map<String, String> names = new HashMap<>();
		try {
			Class<?> type = ClassUtils.forName("org.postgresql.PGProperty", DriverPropertyNames.class.getClassLoader());
			Method getName = type.getMethod("getName");
			for (Object property : type.getEnumConstants()) {
				String name = (String) getName.invoke(property);
				names.put(name.toLowerCase(Locale.ROOT), name);
			}
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			// No pgjdbc, or another one: no case check.
		}
		return Map.copyOf(names);
	}

}
