package dev.poolguard.autoconfigure.budget;

import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.PoolGuardProperties.BudgetMode;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.pool.TunedPool;
import dev.poolguard.autoconfigure.pool.TunedPools;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the connection budget: the pool checked against the PostgreSQL
 * server's real connection limits, shared by {@code poolguard.instances} instances, at
 * startup ({@code poolguard.budget.mode}) or as a pipeline step
 * ({@code --poolguard.verify=true}); the {@code poolguard.budget.connections} gauge; and
 * the {@link SizingAdvisor}, which sizes the pool from its traffic with Little's law.
 *
 * @author PoolGuard
 */
@AutoConfiguration(
		after = { PoolGuardPoolAutoConfiguration.class, PoolGuardResilienceAutoConfiguration.class,
				DataSourceAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(HikariDataSource.class)
@ConditionalOnBooleanProperty(name = "poolguard.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PoolGuardProperties.class)
public final class PoolGuardBudgetAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Conditional(BudgetCheckCondition.class)
	ConnectionBudgets poolGuardConnectionBudgets(ObjectProvider<TunedPools> tunedPools,
			PoolGuardProperties properties) {
		return new ConnectionBudgets(tunedPools::getIfAvailable, properties);
	}

	/**
	 * The budget of the main pool's server, with every pool on that server added up.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnSingleCandidate(DataSource.class)
	@Conditional(BudgetCheckCondition.class)
	ConnectionBudget poolGuardConnectionBudget(ConnectionBudgets budgets) {
		return budgets.main();
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(BudgetCheckCondition.class)
	@ConditionalOnBooleanProperty(name = "poolguard.verify", havingValue = false, matchIfMissing = true)
	static BudgetStartupCheck poolGuardBudgetStartupCheck(ObjectProvider<ConnectionBudgets> budget,
			ObjectProvider<TunedPools> tunedPools, Environment environment) {
		// A post-processor is made before configuration properties are bound.
		BudgetMode mode = Binder.get(environment)
			.bind("poolguard.budget.mode", BudgetMode.class)
			.orElse(new PoolGuardProperties().getBudget().getMode());
		return new BudgetStartupCheck(budget, tunedPools, mode);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("poolguard.verify")
	BudgetVerification poolGuardBudgetVerification(ObjectProvider<ConnectionBudgets> budgets,
			PoolGuardProperties properties) {
		return new BudgetVerification(() -> {
			ConnectionBudgets all = budgets.getIfAvailable();
			return (all != null) ? all.all() : List.<ConnectionBudget>of();
		}, properties);
	}

	/**
	 * The pool the budget holds against its server: the one PoolGuard tuned.
	 */
	static TunedPool pool(ObjectProvider<TunedPools> tunedPools) {
		TunedPools pools = tunedPools.getIfAvailable();
		if (pools == null || pools.isEmpty()) {
			return null;
		}
		TunedPool springBootPool = pools.get("dataSource");
		return (springBootPool != null) ? springBootPool : pools.all().get(0);
	}

	private static HikariDataSource dataSourceOf(TunedPool pool) {
		return (pool != null) ? pool.dataSource() : null;
	}

	/**
	 * The budget gauge and the sizing advisor, which read and write Micrometer meters.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class BudgetMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "poolGuardBudgetMeterBinder")
		@Conditional(BudgetCheckCondition.class)
		BudgetMeterBinder poolGuardBudgetMeterBinder(ObjectProvider<ConnectionBudgets> budgets) {
			return new BudgetMeterBinder(budgets);
		}

		@Bean
		@ConditionalOnMissingBean(name = "poolGuardHoldTimePercentileMeterFilter")
		@ConditionalOnSingleCandidate(DataSource.class)
		HoldTimePercentileMeterFilter poolGuardHoldTimePercentileMeterFilter(PoolGuardProperties properties) {
			return new HoldTimePercentileMeterFilter(properties.getBudget().getAdviceWindow());
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnSingleCandidate(DataSource.class)
		SizingAdvisor poolGuardSizingAdvisor(MeterRegistry registry, ObjectProvider<TunedPools> tunedPools,
				ObjectProvider<ConnectionBudget> budget, PoolGuardProperties properties) {
			SizingAdvisor advisor = new SizingAdvisor(registry, () -> dataSourceOf(pool(tunedPools)),
					() -> budget.stream().findFirst().map(ConnectionBudget::report).orElse(null),
					properties.getBudget().getAdviceWindow());
			// The budget is the server's: the other pools on it keep their share.
			advisor.shareBudgetWith(() -> {
				TunedPool advised = pool(tunedPools);
				return budget.stream()
					.findFirst()
					.map((shared) -> shared.pools()
						.stream()
						.filter((other) -> other != advised)
						.mapToInt((other) -> other.dataSource().getMaximumPoolSize())
						.sum())
					.orElse(0);
			});
			return advisor;
		}

	}

}
