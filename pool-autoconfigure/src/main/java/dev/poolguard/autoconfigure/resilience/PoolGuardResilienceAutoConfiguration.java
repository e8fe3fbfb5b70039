package dev.poolguard.autoconfigure.resilience;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.pool.TunedPools;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.common.retry.configuration.RetryConfigCustomizer;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that guards connection acquisition with load shedding, a
 * Resilience4j circuit breaker and a Resilience4j retry.
 *
 * <p>
 * When the application has Resilience4j's own registries (resilience4j-spring-boot4),
 * PoolGuard takes its instances, named {@value AcquisitionResilience#INSTANCE_NAME} ({@code poolguard-<bean name>} for a pool
 * other than Spring Boot's), from
 * them: they then appear in its actuator endpoints and metrics, and
 * {@code resilience4j.circuitbreaker.instances.poolguard.*} and
 * {@code resilience4j.retry.instances.poolguard.*} override PoolGuard's settings one by
 * one.
 *
 * @author PoolGuard
 */
@AutoConfiguration(after = PoolGuardPoolAutoConfiguration.class,
		afterName = { "io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
				"io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration" })
@ConditionalOnClass({ HikariDataSource.class, CircuitBreaker.class, Retry.class })
@ConditionalOnBooleanProperty(name = "poolguard.enabled", matchIfMissing = true)
public final class PoolGuardResilienceAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AcquisitionResilienceFactory poolGuardAcquisitionResilienceFactory(PoolGuardProperties properties,
			ObjectProvider<CircuitBreakerRegistry> circuitBreakers, ObjectProvider<RetryRegistry> retries) {
		return (pool) -> {
			// The pool's own configuration: top-level values with poolguard.pools.<name>.* over them.
			PoolGuardProperties poolProperties = (pool.properties() != null) ? pool.properties() : properties;
			String name = pool.instanceName();
			CircuitBreaker circuitBreaker = null;
			if (poolProperties.getCircuitBreaker().isEnabled()) {
				circuitBreaker = circuitBreakers.getIfAvailable(CircuitBreakerRegistry::ofDefaults)
					.circuitBreaker(name, ResilienceConfigs.circuitBreaker(poolProperties.getCircuitBreaker()));
			}
			Retry retry = null;
			if (poolProperties.getRetry().isEnabled()) {
				retry = retries.getIfAvailable(RetryRegistry::ofDefaults)
					.retry(name, ResilienceConfigs.retry(poolProperties.getRetry()));
			}
			return new AcquisitionResilience(circuitBreaker, retry, poolProperties.getMaxWaiting());
		};
	}

	@Bean
	static GuardingPostProcessor poolGuardGuardingPostProcessor(ObjectProvider<AcquisitionResilienceFactory> resilience,
			ObjectProvider<TunedPools> tunedPools, ObjectProvider<AcquisitionObserverFactory> observers) {
		return new GuardingPostProcessor(resilience, tunedPools, observers);
	}

	/**
	 * Makes PoolGuard's settings the defaults of the {@code poolguard} instances that
	 * resilience4j-spring-boot4 creates from {@code resilience4j.*.instances.poolguard.*},
	 * so that a property set there overrides only itself.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ CircuitBreakerConfigCustomizer.class, RetryConfigCustomizer.class })
	static class Resilience4jSpringBootConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "poolGuardCircuitBreakerConfigCustomizer")
		CircuitBreakerConfigCustomizer poolGuardCircuitBreakerConfigCustomizer(Environment environment) {
			return new PoolInstanceCustomizers.PoolCircuitBreakerCustomizer(AcquisitionResilience.INSTANCE_NAME,
					environment);
		}

		@Bean
		@ConditionalOnMissingBean(name = "poolGuardRetryConfigCustomizer")
		RetryConfigCustomizer poolGuardRetryConfigCustomizer(Environment environment) {
			return new PoolInstanceCustomizers.PoolRetryCustomizer(AcquisitionResilience.INSTANCE_NAME, environment);
		}

		/**
		 * The same for the {@code poolguard-<bean name>} instances of the other pools.
		 */
		@Bean
		static PoolInstanceCustomizers poolGuardPoolInstanceCustomizers(Environment environment) {
			return new PoolInstanceCustomizers(environment);
		}

	}

}
