package dev.poolguard.autoconfigure.web;

import java.time.Duration;
import java.util.List;

import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.handler.HandlerExceptionResolverComposite;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that answers HTTP 503 with {@code Retry-After}, through Spring MVC's
 * own error handling, when a request fails because PoolGuard refused a connection or the
 * connection was lost.
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
	AcquisitionFailureExceptionResolver poolGuardAcquisitionFailureExceptionResolver(
			ObjectProvider<PoolGuardProperties> properties, ObjectProvider<RequestMappingHandlerAdapter> adapter) {
		// A lost connection is worth retrying when the breaker would let a probe through.
		Duration retryAfter = properties.getIfAvailable(PoolGuardProperties::new)
			.getCircuitBreaker()
			.getWaitDurationInOpenState();
		return new AcquisitionFailureExceptionResolver(retryAfter,
				() -> adapter.stream().findFirst().map(RequestMappingHandlerAdapter::getMessageConverters).orElse(List.of()));
	}

	@Bean
	@ConditionalOnMissingBean
	DatabaseEofResolver poolGuardDatabaseEofResolver(AcquisitionFailureExceptionResolver answer,
			ObjectProvider<HandlerExceptionResolverComposite> springResolvers) {
		return new DatabaseEofResolver(answer, springResolvers);
	}

}
