package dev.poolguard.autoconfigure.resilience;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.TunedPools;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;

/**
 * Replaces the pool PoolGuard tuned with a {@link GuardedHikariDataSource} of the same
 * configuration once it is initialized, before it ever started. As a
 * {@link PriorityOrdered} post-processor it runs before Spring Boot's
 * {@code LazyConnectionDataSourceProxy} post-processor, so that with
 * {@code spring.datasource.connection-fetch=lazy} the lazy proxy wraps PoolGuard and a
 * connection is still only acquired, and guarded, when a statement needs it.
 *
 * @author PoolGuard
 */
final class GuardingPostProcessor implements BeanPostProcessor, PriorityOrdered {

	private final ObjectProvider<AcquisitionResilience> resilience;

	private final ObjectProvider<TunedPools> tunedPools;

	GuardingPostProcessor(ObjectProvider<AcquisitionResilience> resilience, ObjectProvider<TunedPools> tunedPools) {
		this.resilience = resilience;
		this.tunedPools = tunedPools;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && !(bean instanceof GuardedHikariDataSource)
				&& isTuned(beanName)) {
			return new GuardedHikariDataSource(pool, this.resilience.getObject());
		}
		return bean;
	}

	private boolean isTuned(String beanName) {
		TunedPools pools = this.tunedPools.getIfAvailable();
		return pools != null && pools.settingsOf(beanName) != null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 20;
	}

}
