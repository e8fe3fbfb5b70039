package dev.poolguard.autoconfigure.resilience;

import dev.poolguard.autoconfigure.PoolGuardProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;

/**
 * The Resilience4j instances that guard one pool's connection acquisition, named
 * {@value #INSTANCE_NAME} for Spring Boot's own pool and
 * {@code poolguard-<bean name>} for any other, and its load-shedding bound.
 *
 * @param circuitBreaker the circuit breaker, or {@code null} when
 * {@code poolguard.circuit-breaker.enabled=false}
 * @param retry the retry, or {@code null} when {@code poolguard.retry.enabled=false}
 * @param maxWaiting callers allowed to wait for a connection
 * @author PoolGuard
 */
public record AcquisitionResilience(CircuitBreaker circuitBreaker, Retry retry, int maxWaiting) {

	/**
	 * The name of the instances of Spring Boot's own pool, also in a Resilience4j
	 * registry.
	 */
	public static final String INSTANCE_NAME = "poolguard";

	/**
	 * Instances of their own, outside any Resilience4j registry, configured from
	 * PoolGuard's properties: what the auto-configuration uses when the application has
	 * no registries.
	 * @param properties PoolGuard's properties
	 * @return the instances
	 */
	public static AcquisitionResilience of(PoolGuardProperties properties) {
		CircuitBreaker circuitBreaker = properties.getCircuitBreaker().isEnabled()
				? CircuitBreaker.of(INSTANCE_NAME, ResilienceConfigs.circuitBreaker(properties.getCircuitBreaker()))
				: null;
		Retry retry = properties.getRetry().isEnabled()
				? Retry.of(INSTANCE_NAME, ResilienceConfigs.retry(properties.getRetry())) : null;
		return new AcquisitionResilience(circuitBreaker, retry, properties.getMaxWaiting());
	}

}
