package dev.poolguard.autoconfigure.resilience;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.TunedPools;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
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
 * <p>
 * Spring registers a bean's destroy callback on the instance it created, not on the one a
 * post-processor put in its place: closing the context would close the original pool,
 * which never started, and leave the guarded pool's connections open on the server. This
 * post-processor therefore closes the guarded pool when the original is destroyed.
 *
 * @author PoolGuard
 */
final class GuardingPostProcessor implements DestructionAwareBeanPostProcessor, PriorityOrdered {

	private final ObjectProvider<AcquisitionResilience> resilience;

	private final ObjectProvider<TunedPools> tunedPools;

	private final Map<HikariDataSource, GuardedHikariDataSource> replacements = new ConcurrentHashMap<>();

	GuardingPostProcessor(ObjectProvider<AcquisitionResilience> resilience, ObjectProvider<TunedPools> tunedPools) {
		this.resilience = resilience;
		this.tunedPools = tunedPools;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && !(bean instanceof GuardedHikariDataSource)
				&& isTuned(beanName)) {
			GuardedHikariDataSource guarded = new GuardedHikariDataSource(pool, this.resilience.getObject());
			this.replacements.put(pool, guarded);
			return guarded;
		}
		return bean;
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		return this.replacements.containsKey(bean);
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) {
		GuardedHikariDataSource guarded = this.replacements.remove(bean);
		if (guarded != null) {
			guarded.close();
		}
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
