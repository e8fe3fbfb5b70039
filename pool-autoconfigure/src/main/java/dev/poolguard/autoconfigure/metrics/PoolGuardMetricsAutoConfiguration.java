package dev.poolguard.autoconfigure.metrics;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.pool.TunedPools;
import dev.poolguard.autoconfigure.resilience.AcquisitionObserverFactory;
import dev.poolguard.autoconfigure.resilience.AcquisitionResilience;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.autoconfigure.server.PoolGuardServerAutoConfiguration;
import dev.poolguard.autoconfigure.server.ServerObservers;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
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
	@ConditionalOnBean({ TunedPools.class, ServerObservers.class })
	@ConditionalOnMissingBean(name = "poolGuardMeters")
	MeterBinder poolGuardMeters(TunedPools pools, ServerObservers servers) {
		return new PoolGuardMeters(pools, servers);
	}

	/**
	 * Binds Resilience4j's own metrics of PoolGuard's breaker and retry when they live
	 * outside the application's registries; instances of those registries are bound by
	 * resilience4j-spring-boot4 itself.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TaggedCircuitBreakerMetrics.class)
	@ConditionalOnBean(TunedPools.class)
	static class Resilience4jMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "poolGuardResilience4jMeters")
		MeterBinder poolGuardResilience4jMeters(TunedPools pools, ObjectProvider<CircuitBreakerRegistry> circuitBreakers,
				ObjectProvider<RetryRegistry> retries) {
			return (registry) -> {
				// Instances of the application's own registries are bound by
				// resilience4j-spring-boot4; PoolGuard binds those it made itself.
				CircuitBreakerRegistry ownBreakers = CircuitBreakerRegistry.ofDefaults();
				RetryRegistry ownRetries = RetryRegistry.ofDefaults();
				for (TunedPool pool : pools.all()) {
					if (!(pool.dataSource() instanceof GuardedHikariDataSource guarded)) {
						continue;
					}
					AcquisitionResilience resilience = guarded.resilience();
					if (resilience.circuitBreaker() != null && circuitBreakers.getIfAvailable() == null) {
						ownBreakers.circuitBreaker(resilience.circuitBreaker().getName());
						ownBreakers.replace(resilience.circuitBreaker().getName(), resilience.circuitBreaker());
					}
					if (resilience.retry() != null && retries.getIfAvailable() == null) {
						ownRetries.retry(resilience.retry().getName());
						ownRetries.replace(resilience.retry().getName(), resilience.retry());
					}
				}
				TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(ownBreakers).bindTo(registry);
				TaggedRetryMetrics.ofRetryRegistry(ownRetries).bindTo(registry);
			};
		}

	}

}
