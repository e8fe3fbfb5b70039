package dev.poolguard.autoconfigure.metrics;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.resilience.AcquisitionObserverFactory;
import dev.poolguard.autoconfigure.resilience.AcquisitionResilience;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.autoconfigure.server.PoolGuardServerAutoConfiguration;
import dev.poolguard.autoconfigure.server.ServerObserver;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of PoolGuard's metrics, on the application's {@link MeterRegistry}
 * (never Micrometer's global one), next to Spring Boot's own {@code hikaricp.*} metrics.
 *
 * @author PoolGuard
 */
@AutoConfiguration(after = { PoolGuardResilienceAutoConfiguration.class, PoolGuardServerAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, HikariDataSource.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "poolguard.enabled", matchIfMissing = true)
public final class PoolGuardMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "poolGuardAcquisitionMetrics")
	AcquisitionObserverFactory poolGuardAcquisitionMetrics(ObjectProvider<MeterRegistry> registry) {
		return (poolName) -> new AcquisitionMetrics(registry.getObject(), poolName);
	}

	@Bean
	@ConditionalOnBean(ServerObserver.class)
	@ConditionalOnMissingBean(name = "poolGuardMeters")
	MeterBinder poolGuardMeters(ObjectProvider<DataSource> dataSource, ServerObserver server) {
		return new PoolGuardMeters(() -> DataSourceUnwrapper.unwrap(dataSource.getIfAvailable(), HikariDataSource.class),
				server);
	}

	/**
	 * Binds Resilience4j's own metrics of PoolGuard's breaker and retry when they live
	 * outside the application's registries; instances of those registries are bound by
	 * resilience4j-spring-boot4 itself.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TaggedCircuitBreakerMetrics.class)
	@ConditionalOnBean(AcquisitionResilience.class)
	static class Resilience4jMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "poolGuardResilience4jMeters")
		MeterBinder poolGuardResilience4jMeters(AcquisitionResilience resilience,
				ObjectProvider<CircuitBreakerRegistry> circuitBreakers, ObjectProvider<RetryRegistry> retries) {
			return (registry) -> {
				CircuitBreaker breaker = resilience.circuitBreaker();
				if (breaker != null && circuitBreakers.getIfAvailable() == null) {
					CircuitBreakerRegistry own = CircuitBreakerRegistry.ofDefaults();
					own.circuitBreaker(breaker.getName());
					own.replace(breaker.getName(), breaker);
					TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(own).bindTo(registry);
				}
				Retry retry = resilience.retry();
				if (retry != null && retries.getIfAvailable() == null) {
					RetryRegistry own = RetryRegistry.ofDefaults();
					own.retry(retry.getName());
					own.replace(retry.getName(), retry);
					TaggedRetryMetrics.ofRetryRegistry(own).bindTo(registry);
				}
			};
		}

	}

}
