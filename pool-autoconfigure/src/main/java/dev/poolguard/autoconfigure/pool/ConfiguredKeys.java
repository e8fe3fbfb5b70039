package dev.poolguard.autoconfigure.pool;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * The keys written under a map-like group of properties, such as the pool names under
 * {@code poolguard.pools}, from every source Spring Boot binds from, as they were written.
 *
 * @author PoolGuard
 */
public final class ConfiguredKeys {

	private ConfiguredKeys() {
	}

	/**
	 * The keys under a group that have at least one property below them.
	 * @param environment the application's environment
	 * @param group the group, such as {@code poolguard.pools}
	 * @return each key once, in its original form ({@code scriptsDataSource})
	 */
	public static Set<String> under(Environment environment, String group) {
		ConfigurationPropertyName parent = ConfigurationPropertyName.of(group);
		int keyIndex = parent.getNumberOfElements();
		Set<String> keys = new LinkedHashSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				try (Stream<ConfigurationPropertyName> names = iterable.stream()) {
					names.filter((name) -> parent.isAncestorOf(name) && name.getNumberOfElements() > keyIndex + 1)
						.forEach((name) -> keys.add(name.getElement(keyIndex, ConfigurationPropertyName.Form.ORIGINAL)));
				}
			}
		}
		return keys;
	}

}
