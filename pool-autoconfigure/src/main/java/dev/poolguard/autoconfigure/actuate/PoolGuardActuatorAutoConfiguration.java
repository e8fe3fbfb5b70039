package dev.poolguard.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.budget.BudgetReport;
import dev.poolguard.autoconfigure.budget.BudgetVerdict;
import dev.poolguard.autoconfigure.budget.ConnectionBudget;
import dev.poolguard.autoconfigure.budget.ConnectionBudgets;
import dev.poolguard.autoconfigure.budget.PoolGuardBudgetAutoConfiguration;
import dev.poolguard.autoconfigure.budget.SizingAdvisor;
import dev.poolguard.autoconfigure.replica.PoolGuardReplicaAutoConfiguration;
import dev.poolguard.autoconfigure.replica.ReplicaRouting;
import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.pool.TunedPools;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.autoconfigure.server.PoolGuardServerAutoConfiguration;
import dev.poolguard.autoconfigure.server.ServerObservers;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of PoolGuard's actuator side: the {@code poolguard} health component
 * and the {@code poolguard} endpoint.
 *
 * @author PoolGuard
 */
@AutoConfiguration(after = { PoolGuardResilienceAutoConfiguration.class, PoolGuardServerAutoConfiguration.class,
		PoolGuardBudgetAutoConfiguration.class })
@ConditionalOnClass(HikariDataSource.class)
@ConditionalOnBooleanProperty(name = "poolguard.enabled", matchIfMissing = true)
@ConditionalOnBean({ TunedPools.class, ServerObservers.class })
public final class PoolGuardActuatorAutoConfiguration {

	/**
	 * The budget as the health component shows it: the verdict and the figures behind it.
	 */
	static Supplier<Map<String, Object>> budgetSummary(ObjectProvider<ConnectionBudgets> budgets, TunedPool pool) {
		return () -> {
			ConnectionBudgets connectionBudgets = budgets.getIfAvailable();
			if (connectionBudgets == null) {
				return notChecked();
			}
			ConnectionBudget connectionBudget = connectionBudgets.of(pool);
			BudgetReport report = connectionBudget.report();
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("verdict", report.verdict().name());
			summary.put("connectionLimit", report.connectionLimit());
			if (report.connectionBudget() != null) {
				summary.put("budget", report.connectionBudget());
			}
			if (report.recommendedConnectionLimit() != null) {
				summary.put("recommendedConnectionLimit", report.recommendedConnectionLimit());
			}
			if (connectionBudget.pools().size() > 1) {
				// The budget is the server's, shared with these pools.
				summary.put("sharedWith", connectionBudget.pools().stream().map(TunedPool::name).toList());
			}
			return summary;
		};
	}

	/**
	 * The budget as the endpoint shows it: the whole report, its arithmetic, and the
	 * advisor's recommendation from live traffic.
	 */
	static Function<TunedPool, Map<String, Object>> budgetReport(ObjectProvider<ConnectionBudgets> budgets,
			ObjectProvider<ConnectionBudget> mainBudget, ObjectProvider<SizingAdvisor> advisor) {
		return (pool) -> {
			ConnectionBudgets connectionBudgets = budgets.getIfAvailable();
			ConnectionBudget connectionBudget = (connectionBudgets != null) ? connectionBudgets.of(pool) : null;
			Map<String, Object> report = (connectionBudget != null)
					? new LinkedHashMap<>(connectionBudget.report().toMap()) : notChecked();
			SizingAdvisor sizingAdvisor = advisor.getIfAvailable();
			// The advisor sizes the main pool, within what its server's other pools leave.
			if (sizingAdvisor != null && connectionBudget != null && connectionBudget == mainBudget.getIfAvailable()
					&& connectionBudget.pools().indexOf(pool) == mainPoolIndex(connectionBudget)) {
				report.put("advice", sizingAdvisor.toMap());
			}
			return report;
		};
	}

	/**
	 * What bounds a resize: the budget when it is known, else the server's limits read
	 * now; nothing when neither can be read.
	 */
	static Function<TunedPool, OptionalInt> ceiling(ObjectProvider<ConnectionBudgets> budgets,
			PoolGuardProperties properties) {
		return (pool) -> {
			ConnectionBudgets connectionBudgets = budgets.getIfAvailable();
			OptionalInt ceiling = (connectionBudgets != null) ? connectionBudgets.ceilingOf(pool) : OptionalInt.empty();
			if (ceiling.isPresent()) {
				return ceiling;
			}
			OptionalInt serverCeiling = ConnectionBudget.ceilingOf(pool, properties);
			if (serverCeiling.isEmpty() || connectionBudgets == null) {
				return serverCeiling;
			}
			// The other pools on the same server keep their share.
			int others = connectionBudgets.of(pool)
				.pools()
				.stream()
				.filter((other) -> other != pool)
				.mapToInt((other) -> other.dataSource().getMaximumPoolSize())
				.sum();
			return OptionalInt.of(Math.max(0, serverCeiling.getAsInt() - others));
		};
	}

	private static int mainPoolIndex(ConnectionBudget budget) {
		List<TunedPool> pools = budget.pools();
		for (int i = 0; i < pools.size(); i++) {
			if ("dataSource".equals(pools.get(i).name())) {
				return i;
			}
		}
		return 0;
	}

	private static Map<String, Object> notChecked() {
		Map<String, Object> budget = new LinkedHashMap<>();
		budget.put("verdict", BudgetVerdict.UNKNOWN.name());
		budget.put("reason", "the connection budget is not checked (poolguard.budget.mode=off)");
		return budget;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("poolguard")
	static class HealthConfiguration {

		/**
		 * One indicator per pool PoolGuard tuned, a composite of them for several, and
		 * no {@code poolguard} component at all when the application's pools are not
		 * PostgreSQL: the pools are created first, so that PoolGuard knows.
		 */
		@Bean
		@ConditionalOnMissingBean(name = "poolguardHealthIndicator")
		HealthContributor poolguardHealthIndicator(ObjectProvider<DataSource> dataSources, TunedPools pools,
				ServerObservers servers, PoolGuardProperties properties, ObjectProvider<ConnectionBudgets> budgets) {
			dataSources.stream().forEach(DataSource::getClass);
			Map<String, HealthContributor> indicators = new LinkedHashMap<>();
			for (TunedPool pool : pools.all()) {
				if (!PoolGuardReplicaAutoConfiguration.REPLICA_BEAN.equals(pool.name())) {
					indicators.put(pool.name(), indicator(pool, servers, budgets));
				}
			}
			if (indicators.isEmpty()) {
				return null;
			}
			return (indicators.size() == 1) ? indicators.values().iterator().next()
					: CompositeHealthContributor.fromMap(indicators);
		}

		/**
		 * The read replica's pool, as a component of its own ({@code poolguardReplica}):
		 * while it is down, read-only work goes to the primary and the application still
		 * serves, so it must not take {@code poolguard} (and readiness) down with it.
		 */
		@Bean
		@ConditionalOnMissingBean(name = "poolguardReplicaHealthIndicator")
		HealthContributor poolguardReplicaHealthIndicator(BeanFactory beanFactory, TunedPools pools,
				ServerObservers servers, ObjectProvider<ConnectionBudgets> budgets) {
			if (!beanFactory.containsBean(PoolGuardReplicaAutoConfiguration.REPLICA_BEAN)) {
				return null;
			}
			beanFactory.getBean(PoolGuardReplicaAutoConfiguration.REPLICA_BEAN);
			TunedPool replica = pools.get(PoolGuardReplicaAutoConfiguration.REPLICA_BEAN);
			return (replica != null) ? indicator(replica, servers, budgets) : null;
		}

		private static PoolGuardHealthIndicator indicator(TunedPool pool, ServerObservers servers,
				ObjectProvider<ConnectionBudgets> budgets) {
			HikariDataSource dataSource = pool.dataSource();
			return new PoolGuardHealthIndicator(dataSource,
					(dataSource instanceof GuardedHikariDataSource guarded) ? guarded.resilience().circuitBreaker()
							: null,
					servers.of(pool), pool.properties().getHealth().getSaturationThreshold(),
					budgetSummary(budgets, pool), pool);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		PoolGuardEndpoint poolGuardEndpoint(TunedPools pools, ServerObservers servers, PoolGuardProperties properties,
				ObjectProvider<ConnectionBudgets> budgets, ObjectProvider<ConnectionBudget> budget,
				ObjectProvider<SizingAdvisor> advisor, ObjectProvider<ReplicaRouting> replicaRouting) {
			PoolGuardEndpoint endpoint = new PoolGuardEndpoint(pools, servers,
					properties.getHealth().getSaturationThreshold(), properties.getEndpoint().isResizeEnabled(),
					budgetReport(budgets, budget, advisor), ceiling(budgets, properties));
			endpoint.replica(() -> {
				ReplicaRouting routing = replicaRouting.getIfAvailable();
				return (routing != null) ? routing.toMap() : null;
			});
			return endpoint;
		}

	}

}
