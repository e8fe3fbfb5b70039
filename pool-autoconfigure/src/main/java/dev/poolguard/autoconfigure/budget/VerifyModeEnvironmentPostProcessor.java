package dev.poolguard.autoconfigure.budget;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code poolguard.verify=true}, makes the application start only as far as the
 * budget check needs: no web server (a pipeline step must not take a port or traffic),
 * beans created lazily (the pool and what it needs are; most of the application's own
 * beans are not), no migration and no schema generation (JPA's entity manager factory is
 * created even lazily, and would run Flyway first, or fail against a server that does
 * not answer), and no banner in the report's way.
 *
 * @author PoolGuard
 * @see BudgetVerification
 */
class VerifyModeEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "poolguardVerify";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		if (flag(binder, "poolguard.verify", false) && flag(binder, "poolguard.enabled", true)) {
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("spring.main.web-application-type", "none");
			properties.put("spring.main.lazy-initialization", "true");
			properties.put("spring.main.banner-mode", "off");
			properties.put("spring.flyway.enabled", "false");
			properties.put("spring.liquibase.enabled", "false");
			properties.put("spring.sql.init.mode", "never");
			properties.put("spring.jpa.hibernate.ddl-auto", "none");
			// Nor would it start against a server that does not answer, which verify mode
			// must report with exit code 1: the pool PoolGuard verifies is PostgreSQL.
			properties.put("spring.jpa.properties.hibernate.boot.allow_jdbc_metadata_access", "false");
			properties.put("spring.jpa.database-platform", "org.hibernate.dialect.PostgreSQLDialect");
			environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));
		}
	}

	private static boolean flag(Binder binder, String name, boolean otherwise) {
		try {
			return binder.bind(name, Boolean.class).orElse(otherwise);
		}
		catch (RuntimeException ex) {
			// Binding PoolGuardProperties reports a malformed value, with its origin.
			return otherwise;
		}
	}

}
