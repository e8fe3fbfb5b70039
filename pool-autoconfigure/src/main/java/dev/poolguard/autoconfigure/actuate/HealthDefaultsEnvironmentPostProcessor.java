package dev.poolguard.autoconfigure.actuate;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns Spring Boot's {@code db} health indicator off unless the application says
 * otherwise. That indicator borrows a pooled connection: when every connection is busy it
 * waits, and reports DOWN, and an orchestrator restarts a healthy pod. PoolGuard's
 * {@code poolguard} component replaces it without borrowing. The default sits below every
 * other property source, so {@code management.health.db.enabled=true} anywhere turns the
 * indicator back on.
 *
 * @author PoolGuard
 */
class HealthDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "poolguardDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getProperty("poolguard.enabled", Boolean.class, true)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of("management.health.db.enabled", "false")));
		}
	}

}
