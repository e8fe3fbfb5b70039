package dev.poolguard.autoconfigure.web;

import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that turns PoolGuard's refused connections into HTTP 503 Problem
 * Details with {@code Retry-After} in Spring MVC applications.
 *
 * @author PoolGuard
 */
@AutoConfiguration(after = PoolGuardResilienceAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(name = { "poolguard.enabled", "poolguard.web.enabled" }, matchIfMissing = true)
public final class PoolGuardWebMvcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AcquisitionFailureExceptionResolver poolGuardAcquisitionFailureExceptionResolver() {
		return new AcquisitionFailureExceptionResolver();
	}

}
