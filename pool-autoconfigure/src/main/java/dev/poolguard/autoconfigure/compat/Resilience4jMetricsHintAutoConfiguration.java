package dev.poolguard.autoconfigure.compat;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of one startup line for an application that has Micrometer but not
 * {@code resilience4j-micrometer}: the starter no longer brings that binding (applications
 * without Micrometer should not pay for it), so the breaker and retry metrics that the
 * shipped dashboard and alert rules read would otherwise be missing without a word.
 *
 * @author PoolGuard
 */
@AutoConfiguration
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnMissingClass("io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics")
@ConditionalOnBooleanProperty(name = "poolguard.enabled", matchIfMissing = true)
public final class Resilience4jMetricsHintAutoConfiguration {

	static final String HINT = "PoolGuard: Micrometer is present but io.github.resilience4j:resilience4j-micrometer"
			+ " is not, so the circuit breaker and retry metrics (resilience4j_circuitbreaker_*, resilience4j_retry_*)"
			+ " that the PoolGuard dashboard and alert rules read are not exported. Add resilience4j-micrometer to"
			+ " export them; poolguard.* and hikaricp.* metrics are exported either way.";

	private static final Log logger = LogFactory.getLog(Resilience4jMetricsHintAutoConfiguration.class);

	@Bean
	static SmartInitializingSingleton poolGuardResilience4jMetricsHint(ObjectProvider<MeterRegistry> registries) {
		return () -> {
			if (registries.iterator().hasNext()) {
				logger.info(HINT);
			}
		};
	}

}
