package dev.poolguard.autoconfigure.replica;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * Puts Spring's own {@link LazyConnectionDataSourceProxy} in front of the application's
 * {@code dataSource}, with {@link ReplicaRouting} as its read-only data source, so that a
 * read-only transaction takes its connection from the replica. With
 * {@code spring.datasource.connection-fetch=lazy} Spring Boot's proxy is already there,
 * and it is given the read-only data source instead.
 *
 * <p>
 * Neither {@code PriorityOrdered} nor {@code Ordered}: it runs after every ordered
 * post-processor, so the guarded primary pool is in place, Spring Boot's proxy (if any)
 * wraps it, and PoolGuard's budget check has seen the pool before it is wrapped.
 *
 * @author PoolGuard
 */
final class ReplicaRoutingPostProcessor implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(ReplicaRoutingPostProcessor.class);

	static final String PRIMARY_BEAN = "dataSource";

	private final ObjectProvider<ReplicaRouting> routing;

	ReplicaRoutingPostProcessor(ObjectProvider<ReplicaRouting> routing) {
		this.routing = routing;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!PRIMARY_BEAN.equals(beanName) || !(bean instanceof DataSource dataSource)) {
			return bean;
		}
		ReplicaRouting readOnly = this.routing.getIfAvailable();
		if (readOnly == null) {
			return bean;
		}
		if (bean instanceof LazyConnectionDataSourceProxy lazy) {
			lazy.setReadOnlyDataSource(readOnly.readOnlyDataSource());
			return lazy;
		}
		LazyConnectionDataSourceProxy proxy = new LazyConnectionDataSourceProxy(dataSource);
		proxy.setReadOnlyDataSource(readOnly.readOnlyDataSource());
		logger.debug("PoolGuard routes read-only transactions of bean '" + beanName + "' to the replica");
		return proxy;
	}

}
