package dev.poolguard.autoconfigure.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;

/**
 * The Resilience4j instances that guard connection acquisition, named
 * {@value #INSTANCE_NAME}.
 *
 * @param circuitBreaker the circuit breaker, or {@code null} when
 * {@code poolguard.circuit-breaker.enabled=false}
 * @param retry the retry, or {@code null} when {@code poolguard.retry.enabled=false}
 * @param maxWaiting threads allowed to wait for a connection
 * @author PoolGuard
 */
public record AcquisitionResilience(CircuitBreaker circuitBreaker, Retry retry, int maxWaiting) {

	/**
	 * The name of PoolGuard's circuit breaker and retry, also in a Resilience4j registry.
	 */
	public static final String INSTANCE_NAME = "poolguard";

}
