package dev.poolguard.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Explains a {@code poolguard.*} value that cannot even be read (a duration that does not
 * parse, an unknown mode, text where a number belongs) in the same terms as every other
 * PoolGuard configuration failure. Ordered before Spring Boot's own bind analyzer, which
 * names the property but not the fix.
 *
 * @author PoolGuard
 */
class PoolGuardBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		ConfigurationProperty property = cause.getProperty();
		if (property == null || !cause.getName().toString().startsWith(PoolGuardProperties.PREFIX)) {
			return null;
		}
		Class<?> type = cause.getTarget().getType().resolve(Object.class);
		String name = property.getName().toString();
		String origin = (property.getOrigin() != null) ? " (from " + property.getOrigin() + ")" : "";
		String description = "PoolGuard cannot start the connection pool: one setting is wrong.\n\n    " + name
				+ " = " + PoolGuardSanitizer.sanitize(name, property.getValue()) + origin + "\n        "
				+ reason(type) + ".";
		String action = "Fix the configuration (application.yml, environment variables or command line):\n\n    "
				+ name + ": " + fix(type) + "\n\nEvery property, its default and why: docs/configuration.md";
		return new FailureAnalysis(description, action, cause);
	}

	private static String reason(Class<?> type) {
		if (type == Duration.class) {
			return "it is not a duration";
		}
		if (type.isEnum()) {
			return "it is not one of " + choices(type);
		}
		if (type == int.class || type == Integer.class) {
			return "it is not a whole number";
		}
		if (type == double.class || type == float.class || type == Double.class || type == Float.class) {
			return "it is not a number";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "it is neither true nor false";
		}
		return "it cannot be read as " + type.getSimpleName();
	}

	private static String fix(Class<?> type) {
		if (type == Duration.class) {
			return "Write a duration such as 500ms, 5s or 2m; a bare number means seconds.";
		}
		if (type.isEnum()) {
			return "Use one of " + choices(type) + ".";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "Use true or false.";
		}
		return "Write a plain number, such as 10.";
	}

	private static String choices(Class<?> type) {
		return Arrays.stream(type.getEnumConstants())
			.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
			.collect(Collectors.joining(", "));
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
