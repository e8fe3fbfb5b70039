package dev.poolguard.autoconfigure.logging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Keeps Hibernate's per-statement SQL error lines out of the log, unless the application
 * chose a level for them. Hibernate logs two lines for every {@code SQLException} it
 * converts ({@code SQL Error: 0, SQLState: 08006} and the message), then throws the
 * exception, which the application logs or answers anyway. During an outage every
 * fast-failed request adds two lines: 1,329 lines in one 10-second outage at 33 requests
 * per second, burying the few lines that say what happened.
 *
 * <p>
 * The level is set to {@code off} for Hibernate's categories
 * ({@code org.hibernate.orm.jdbc.error} in Hibernate 7,
 * {@code org.hibernate.engine.jdbc.spi.SqlExceptionHelper} before), in a property source
 * below every other, and only when no {@code logging.level} is set for the category or
 * one of its packages ({@code logging.level.org.hibernate=debug} keeps everything).
 * {@code logging.level.org.hibernate.orm.jdbc.error=warn} has them back.
 *
 * @author PoolGuard
 */
class HibernateLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "poolguardHibernateLogging";

	static final List<String> CATEGORIES = List.of("org.hibernate.orm.jdbc.error",
			"org.hibernate.engine.jdbc.spi.SqlExceptionHelper");

	private static final String HIBERNATE = "org.hibernate.engine.jdbc.spi.SqlExceptionHelper";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("poolguard.enabled", Boolean.class, true)
				|| !ClassUtils.isPresent(HIBERNATE, getClass().getClassLoader())) {
			return;
		}
		Map<String, String> chosen = Binder.get(environment)
			.bind("logging.level", Bindable.mapOf(String.class, String.class))
			.orElse(Map.of());
		Map<String, Object> levels = new LinkedHashMap<>();
		for (String category : CATEGORIES) {
			if (!isLevelChosen(chosen, category)) {
				levels.put("logging.level." + category, "off");
			}
		}
		if (!levels.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, levels));
		}
	}

	/**
	 * Whether a level is set for the category or a package above it (not the root
	 * logger: that is the application's general level, not a choice about Hibernate).
	 */
	private static boolean isLevelChosen(Map<String, String> chosen, String category) {
		for (String logger : chosen.keySet()) {
			// Case-insensitive: LOGGING_LEVEL_ORG_HIBERNATE arrives as org.hibernate.
			String name = logger.toLowerCase(Locale.ROOT);
			String lowerCategory = category.toLowerCase(Locale.ROOT);
			if (lowerCategory.equals(name) || lowerCategory.startsWith(name + ".")) {
				return true;
			}
		}
		return false;
	}

}
