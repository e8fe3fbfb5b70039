package dev.poolguard.autoconfigure.resilience;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.pool.TunedPools;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;

/**
 * Replaces each pool PoolGuard tuned with a {@link GuardedHikariDataSource} of the same
 * configuration once it is initialized, before it ever started. As a
 * {@link PriorityOrdered} post-processor it runs before Spring Boot's
 * {@code LazyConnectionDataSourceProxy} post-processor, so that with
 * {@code spring.datasource.connection-fetch=lazy} the lazy proxy wraps PoolGuard and a
 * connection is still only acquired, and guarded, when a statement needs it.
 *
 * <p>
 * Spring calls a bean's destroy method on the object it created, not on what a
 * post-processor put in its place, so closing the guarded pool when the context closes is
 * this post-processor's job too.
 *
 * @author PoolGuard
 */
final class GuardingPostProcessor implements DestructionAwareBeanPostProcessor, PriorityOrdered {

	private final ObjectProvider<AcquisitionResilienceFactory> resilience;

	private final ObjectProvider<TunedPools> tunedPools;

	private final ObjectProvider<AcquisitionObserverFactory> observers;

	private final Map<HikariDataSource, GuardedHikariDataSource> guarded = Collections
		.synchronizedMap(new IdentityHashMap<>());

	GuardingPostProcessor(ObjectProvider<AcquisitionResilienceFactory> resilience, ObjectProvider<TunedPools> tunedPools,
			ObjectProvider<AcquisitionObserverFactory> observers) {
		this.resilience = resilience;
		this.tunedPools = tunedPools;
		this.observers = observers;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && !(bean instanceof GuardedHikariDataSource)) {
			TunedPools pools = this.tunedPools.getIfAvailable();
			TunedPool tuned = (pools != null) ? pools.get(beanName) : null;
			if (tuned != null && tuned.dataSource() == pool) {
				GuardedHikariDataSource guardedPool = new GuardedHikariDataSource(pool,
						this.resilience.getObject().create(tuned), observer(pool.getPoolName()), new AcquisitionEvents(),
						tuned.sideConnections());
				tuned.replacedBy(guardedPool);
				this.guarded.put(pool, guardedPool);
				return guardedPool;
			}
		}
		return bean;
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		return this.guarded.containsKey(bean);
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) {
		GuardedHikariDataSource guardedPool = this.guarded.remove(bean);
		if (guardedPool != null) {
			guardedPool.close();
		}
	}

	private AcquisitionObserver observer(String poolName) {
		List<AcquisitionObserver> observers = this.observers.orderedStream()
			.map((factory) -> factory.create(poolName))
			.toList();
		if (observers.isEmpty()) {
			return AcquisitionObserver.NONE;
		}
		return (observers.size() == 1) ? observers.get(0) : new CompositeAcquisitionObserver(observers);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 20;
	}

}
