package dev.poolguard.autoconfigure.pool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import dev.poolguard.autoconfigure.PoolGuardConfigurationException.Problem;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.PoolGuardSanitizer;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Finds the {@code poolguard.*} names in the environment that PoolGuard does not read,
 * in every source Spring Boot binds from (application files, environment variables,
 * system properties, the command line), and names for each the property it probably
 * meant.
 *
 * @author PoolGuard
 */
final class UnknownProperties {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of(PoolGuardProperties.PREFIX);

	private static final KnownProperties KNOWN = KnownProperties.of(PoolGuardProperties.class);

	private static final String DRIVER_PROPERTIES = "driverproperties";

	private UnknownProperties() {
	}

	static List<Problem> find(Environment environment) {
		Map<ConfigurationPropertyName, Problem> problems = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			try (Stream<ConfigurationPropertyName> names = iterable.stream()) {
				names.filter(PREFIX::isAncestorOf)
					.filter((name) -> !problems.containsKey(name) && !KNOWN.isKnown(name))
					.forEach((name) -> problems.put(name, problem(name, source)));
			}
		}
		return new ArrayList<>(problems.values());
	}

	private static Problem problem(ConfigurationPropertyName name, ConfigurationPropertySource source) {
		// An environment variable is named as it was written: POOLGUARD_CONECTION_LIMIT.
		boolean variable = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
		String written = variable ? environmentVariable(name.toString()) : name.toString();
		ConfigurationProperty property = source.getConfigurationProperty(name);
		String value = "";
		if (property != null) {
			value = PoolGuardSanitizer.sanitize(written, property.getValue());
			if (property.getOrigin() != null) {
				value += " (from " + property.getOrigin() + ")";
			}
		}
		Problem driverProperty = misplacedDriverProperty(name, written, value);
		if (driverProperty != null) {
			return driverProperty;
		}
		String meant = KNOWN.closest(name);
		if (meant != null && variable) {
			meant = environmentVariable(meant);
		}
		String fix = (meant != null) ? "Did you mean " + meant + "? Rename it."
				: "Remove it, or correct its name: every property is in docs/configuration.md.";
		return new Problem(written, value, "PoolGuard has no such property, so the value would be ignored", fix);
	}

	/**
	 * A driver property written as POOLGUARD_DRIVER_PROPERTIES_X: Spring Boot binds a map
	 * from an environment variable only when the map's name is one word
	 * (POOLGUARD_DRIVERPROPERTIES_X), so the value is silently dropped.
	 */
	private static Problem misplacedDriverProperty(ConfigurationPropertyName name, String written, String value) {
		String loose = String.join("", KnownProperties.elements(name));
		if (!loose.startsWith(DRIVER_PROPERTIES) || loose.length() == DRIVER_PROPERTIES.length()) {
			return null;
		}
		String key = loose.substring(DRIVER_PROPERTIES.length());
		for (PoolSetting setting : PoolSetting.values()) {
			if (key.equalsIgnoreCase(setting.driverProperty())) {
				return new Problem(written, value, "it is a setting PoolGuard covers itself",
						"Set " + setting.property() + " (" + environmentVariable(setting.property()) + ") instead.");
			}
		}
		return new Problem(written, value,
				"Spring Boot reads a driver property from an environment variable only as POOLGUARD_DRIVERPROPERTIES_<NAME>, so the value would be ignored",
				"Rename it POOLGUARD_DRIVERPROPERTIES_" + key.toUpperCase(Locale.ROOT)
						+ ", or put the property in the JDBC URL (?name=value) to keep its case.");
	}

	/** {@code poolguard.retry.max-attempts} as {@code POOLGUARD_RETRY_MAX_ATTEMPTS}. */
	static String environmentVariable(String property) {
		return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
	}

}
