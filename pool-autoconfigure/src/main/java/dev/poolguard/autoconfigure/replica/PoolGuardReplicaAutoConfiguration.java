package dev.poolguard.autoconfigure.replica;

import java.util.Objects;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.budget.PoolGuardBudgetAutoConfiguration;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.pool.TunedPools;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.util.StringUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of a read replica from {@code poolguard.replica.url}: a second
 * pool, {@value #REPLICA_BEAN}, tuned and guarded like any other, to which read-only
 * transactions go through Spring's {@link LazyConnectionDataSourceProxy}, and back to the
 * primary while the replica is down or lagging.
 *
 * <p>
 * Whether there is a replica is decided when the beans are created, not by a condition:
 * Spring AOT evaluates conditions once, at build time, and would freeze the build
 * machine's answer into the application. Without {@code poolguard.replica.url} the beans
 * below are {@code null} and nothing changes.
 *
 * <p>
 * The replica pool is not a default candidate for injection by type, so Spring Boot
 * still builds its own {@code dataSource}, and {@code JdbcTemplate}, the transaction
 * manager and Flyway use it (through the proxy) as before.
 *
 * @author PoolGuard
 */
@AutoConfiguration(
		after = { DataSourceAutoConfiguration.class, PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class },
		before = PoolGuardBudgetAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ HikariDataSource.class, LazyConnectionDataSourceProxy.class, JdbcConnectionDetails.class })
@ConditionalOnBooleanProperty(name = "poolguard.enabled", matchIfMissing = true)
public final class PoolGuardReplicaAutoConfiguration {

	/** The name of the replica pool's bean, and so of the pool. */
	public static final String REPLICA_BEAN = "replicaDataSource";

	/**
	 * The replica pool: PoolGuard tunes and guards it when it is created, as it does any
	 * PostgreSQL pool; {@code poolguard.pools.replicaDataSource.*} tunes it apart.
	 */
	@Bean(name = REPLICA_BEAN, defaultCandidate = false)
	@ConditionalOnMissingBean(name = REPLICA_BEAN)
	HikariDataSource replicaDataSource(PoolGuardProperties properties,
			ObjectProvider<JdbcConnectionDetails> primary) {
		PoolGuardProperties.Replica replica = properties.getReplica();
		if (!StringUtils.hasText(replica.getUrl())) {
			return null;
		}
		JdbcConnectionDetails details = primary.getIfAvailable();
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(replica.getUrl());
		pool.setUsername(Objects.requireNonNullElse(replica.getUsername(),
				(details != null) ? details.getUsername() : null));
		pool.setPassword(Objects.requireNonNullElse(replica.getPassword(),
				(details != null) ? details.getPassword() : null));
		// What Spring's read-only data source is expected to be: LazyConnectionDataSourceProxy
		// does not set read-only on its connections.
		pool.setReadOnly(true);
		return pool;
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaRouting poolGuardReplicaRouting(ObjectProvider<TunedPools> tunedPools, BeanFactory beanFactory,
			PoolGuardProperties properties) {
		if (!StringUtils.hasText(properties.getReplica().getUrl())) {
			return null;
		}
		return new ReplicaRouting(() -> {
			TunedPool primary = pool(tunedPools, beanFactory, ReplicaRoutingPostProcessor.PRIMARY_BEAN);
			if (primary == null) {
				throw new IllegalStateException("PoolGuard does not guard the pool 'dataSource' (not PostgreSQL, or "
						+ "poolguard.pools.dataSource.enabled=false): read-only work has no primary to go to");
			}
			return primary;
		}, () -> pool(tunedPools, beanFactory, REPLICA_BEAN), properties.getReplica().getMaxLag(),
				properties.getReplica().getCheckInterval());
	}

	@Bean
	static ReplicaRoutingPostProcessor poolGuardReplicaRoutingPostProcessor(ObjectProvider<ReplicaRouting> routing) {
		return new ReplicaRoutingPostProcessor(routing);
	}

	/** A pool PoolGuard guards, or {@code null} when it left it alone. */
	private static TunedPool pool(ObjectProvider<TunedPools> tunedPools, BeanFactory beanFactory, String name) {
		// Creates the pool's bean first, if nothing needed it yet.
		beanFactory.getBean(name);
		return tunedPools.getObject().get(name);
	}

	/**
	 * {@code poolguard.replica.routed} and {@code poolguard.replica.switches} (tag
	 * {@code target}) and {@code poolguard.replica.lag}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class ReplicaMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "poolGuardReplicaMeters")
		MeterBinder poolGuardReplicaMeters(ObjectProvider<ReplicaRouting> replicaRouting) {
			return (registry) -> {
				ReplicaRouting routing = replicaRouting.getIfAvailable();
				if (routing == null) {
					return;
				}
				for (ReplicaRouting.Target target : ReplicaRouting.Target.values()) {
					String tag = target.name().toLowerCase();
					FunctionCounter.builder("poolguard.replica.routed", routing, (r) -> r.routed(target))
						.tag("pool", REPLICA_BEAN)
						.tag("target", tag)
						.description("Read-only connections handed out, by the server they came from")
						.register(registry);
					FunctionCounter.builder("poolguard.replica.switches", routing, (r) -> r.switches(target))
						.tag("pool", REPLICA_BEAN)
						.tag("target", tag)
						.description("Times read-only work switched to a server")
						.register(registry);
				}
				Gauge.builder("poolguard.replica.lag", routing,
						(r) -> (r.lag() != null) ? r.lag().toNanos() / 1e9 : Double.NaN)
					.tag("pool", REPLICA_BEAN)
					.description("Age of the oldest WAL the primary wrote that the replica has not replayed")
					.baseUnit("seconds")
					.register(registry);
				Gauge.builder("poolguard.replica.target", routing,
						(r) -> (r.target() == ReplicaRouting.Target.REPLICA) ? 1 : 0)
					.tag("pool", REPLICA_BEAN)
					.description("1 while read-only work goes to the replica, 0 while it goes to the primary")
					.register(registry);
			};
		}

	}

}
