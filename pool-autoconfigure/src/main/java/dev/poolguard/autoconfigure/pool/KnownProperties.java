package dev.poolguard.autoconfigure.pool;

import java.beans.PropertyDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.poolguard.autoconfigure.PoolGuardProperties;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * The {@code poolguard.*} names that mean something, read from
 * {@link PoolGuardProperties} itself so that a property added there is known here at
 * once. A name is compared the way Spring Boot's relaxed binding compares it: case,
 * dashes and underscores do not count, and an environment variable's underscores may
 * stand for dots or dashes ({@code POOLGUARD_RETRY_MAX_ATTEMPTS}).
 *
 * <p>
 * Besides the leaves of {@link PoolGuardProperties}, these are known:
 * <ul>
 * <li>anything under a map, such as {@code poolguard.driver-properties.*};
 * <li>{@code poolguard.pools.<name>.<key>} where {@code <key>} is known at the top
 * level and is a setting of one pool ({@link PerPoolProperties#PER_POOL_GROUPS}): one
 * pool's own value of a setting;
 * <li>anything under {@code poolguard.replica.*} while
 * {@link PoolGuardProperties} has no such group yet (features on their way: an early
 * setting must not stop an application);
 * <li>{@code poolguard.test.*}: the settings of PoolGuard's own test kit
 * ({@code POOLGUARD_TEST_JDBC_URL}), which are not application properties.
 * </ul>
 *
 * @author PoolGuard
 */
final class KnownProperties {

	private static final String POOLS = "pools";

	private static final Set<String> RESERVED_GROUPS = Set.of("replica");

	private static final String TEST_KIT = "test";

	/** Loose form (no separators, lower case) to the name as documented. */
	private final Map<String, String> leaves = new LinkedHashMap<>();

	/**
	 * The groups under which any key is fine, as loose elements: Spring Boot binds a map
	 * only when each element of its name is one element (POOLGUARD_DRIVERPROPERTIES_X,
	 * not POOLGUARD_DRIVER_PROPERTIES_X).
	 */
	private final Set<List<String>> openGroups = new LinkedHashSet<>();

	private KnownProperties() {
	}

	static KnownProperties of(Class<?> properties) {
		KnownProperties known = new KnownProperties();
		known.add("", properties);
		for (String group : RESERVED_GROUPS) {
			if (known.leaves.keySet().stream().noneMatch((leaf) -> leaf.startsWith(group))) {
				known.openGroups.add(List.of(group));
			}
		}
		known.openGroups.add(List.of(TEST_KIT));
		return known;
	}

	private void add(String prefix, Class<?> type) {
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())
					|| (prefix.isEmpty() && POOLS.equals(descriptor.getName()))) {
				continue;
			}
			String name = prefix + kebab(descriptor.getName());
			Class<?> valueType = descriptor.getPropertyType();
			if (Map.class.isAssignableFrom(valueType)) {
				this.openGroups.add(Arrays.stream(name.split("\\.")).map(KnownProperties::loose).toList());
			}
			else if (isValue(valueType)) {
				this.leaves.put(loose(name), name);
			}
			else {
				add(name + ".", valueType);
			}
		}
	}

	private static boolean isValue(Class<?> type) {
		return BeanUtils.isSimpleValueType(type) || type == Duration.class || type.isArray()
				|| Collection.class.isAssignableFrom(type) || !type.getName().startsWith("dev.poolguard.");
	}

	/**
	 * Whether a name under {@code poolguard} means something.
	 * @param name a name such as {@code poolguard.retry.max-attempts}, or the one
	 * Spring Boot makes of an environment variable
	 * ({@code poolguard.retry.max.attempts})
	 * @return whether PoolGuard reads it
	 */
	boolean isKnown(ConfigurationPropertyName name) {
		List<String> elements = elements(name);
		if (elements.isEmpty() || isKnown(elements)) {
			return true;
		}
		if (elements.get(0).equals(POOLS)) {
			// poolguard.pools.<name>.<key>; a name may itself hold separators.
			for (int keyStart = 2; keyStart < elements.size(); keyStart++) {
				if (isKnownPerPool(elements.subList(keyStart, elements.size()))) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Whether a key is one a pool may set for itself: known at the top level, and not a
	 * setting of the whole application (instances, budget, replica…).
	 */
	private boolean isKnownPerPool(List<String> key) {
		for (int end = 1; end <= key.size(); end++) {
			if (PerPoolProperties.PER_POOL_GROUPS.contains(String.join("", key.subList(0, end)))) {
				return isKnown(key);
			}
		}
		return false;
	}

	private boolean isKnown(List<String> elements) {
		if (this.leaves.containsKey(String.join("", elements))) {
			return true;
		}
		return this.openGroups.stream()
			.anyMatch((group) -> elements.size() > group.size() && elements.subList(0, group.size()).equals(group));
	}

	/**
	 * The documented name closest to an unknown one, when one is close enough to be what
	 * was meant.
	 * @param name the unknown name
	 * @return the name it probably meant, such as {@code poolguard.connection-limit}, or
	 * {@code null}
	 */
	String closest(ConfigurationPropertyName name) {
		List<String> elements = elements(name);
		String prefix = "";
		if (elements.size() > 2 && elements.get(0).equals(POOLS)) {
			prefix = POOLS + "." + elements.get(1) + ".";
			elements = elements.subList(2, elements.size());
		}
		String loose = String.join("", elements);
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (Map.Entry<String, String> leaf : this.leaves.entrySet()) {
			int distance = distance(loose, leaf.getKey());
			if (distance < bestDistance) {
				best = leaf.getValue();
				bestDistance = distance;
			}
		}
		int tolerated = Math.max(2, loose.length() / 4);
		return (best != null && bestDistance <= tolerated) ? PoolGuardProperties.PREFIX + "." + prefix + best : null;
	}

	static List<String> elements(ConfigurationPropertyName name) {
		List<String> elements = new ArrayList<>();
		for (int i = 1; i < name.getNumberOfElements(); i++) {
			if (!name.isNumericIndex(i)) {
				elements.add(loose(name.getElement(i, ConfigurationPropertyName.Form.UNIFORM)));
			}
		}
		return elements;
	}

	private static String loose(String name) {
		StringBuilder loose = new StringBuilder(name.length());
		for (char c : name.toCharArray()) {
			if (c != '-' && c != '_' && c != '.') {
				loose.append(Character.toLowerCase(c));
			}
		}
		return loose.toString();
	}

	private static String kebab(String camelCase) {
		StringBuilder kebab = new StringBuilder(camelCase.length() + 4);
		for (char c : camelCase.toCharArray()) {
			if (Character.isUpperCase(c)) {
				kebab.append('-').append(Character.toLowerCase(c));
			}
			else {
				kebab.append(c);
			}
		}
		return kebab.toString().toLowerCase(Locale.ROOT);
	}

	/** Levenshtein distance: the number of single-letter edits from one to the other. */
	private static int distance(String from, String to) {
		int[] previous = new int[to.length() + 1];
		int[] current = new int[to.length() + 1];
		for (int j = 0; j <= to.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= from.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= to.length(); j++) {
				int substitution = previous[j - 1] + ((from.charAt(i - 1) == to.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[to.length()];
	}

}
