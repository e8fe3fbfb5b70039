package dev.poolguard.autoconfigure.actuate;

import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Turns Spring Boot's {@code db} health indicator off unless the application says
 * otherwise. That indicator borrows a pooled connection: when every connection is busy it
 * waits, and reports DOWN, and an orchestrator restarts a healthy pod. PoolGuard's
 * {@code poolguard} component replaces it without borrowing. The default sits below every
 * other property source, so {@code management.health.db.enabled=true} anywhere turns the
 * indicator back on. An application whose database is not PostgreSQL keeps the indicator:
 * PoolGuard does not guard its pool, so nothing would replace it.
 *
 * @author PoolGuard
 */
class HealthDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "poolguardDefaults";

	private static final List<String> EMBEDDED_DATABASE_DRIVERS = List.of("org.h2.Driver", "org.hsqldb.jdbc.JDBCDriver",
			"org.apache.derby.jdbc.EmbeddedDriver");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getProperty("poolguard.enabled", Boolean.class, true) && mayBePostgres(environment)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of("management.health.db.enabled", "false")));
		}
	}

	/**
	 * Whether the application's database may be PostgreSQL: its URL says so, or it has
	 * no URL (it may come from a {@code JdbcConnectionDetails}) and no embedded database
	 * that Spring Boot would start instead.
	 */
	private static boolean mayBePostgres(ConfigurableEnvironment environment) {
		String url = environment.getProperty("spring.datasource.url");
		if (url != null) {
			return url.startsWith("jdbc:postgresql:");
		}
		ClassLoader classLoader = HealthDefaultsEnvironmentPostProcessor.class.getClassLoader();
		return EMBEDDED_DATABASE_DRIVERS.stream().noneMatch((driver) -> ClassUtils.isPresent(driver, classLoader));
	}

}
