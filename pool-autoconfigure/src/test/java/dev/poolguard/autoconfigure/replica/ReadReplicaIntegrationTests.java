package dev.poolguard.autoconfigure.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.poolguard.autoconfigure.actuate.PoolGuardActuatorAutoConfiguration;
import dev.poolguard.autoconfigure.actuate.PoolGuardEndpoint;
import dev.poolguard.autoconfigure.budget.PoolGuardBudgetAutoConfiguration;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.pool.TunedPools;
import dev.poolguard.autoconfigure.replica.ReplicaRouting.Target;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.autoconfigure.server.PoolGuardServerAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A read replica against a real streaming standby on loopback (a copy of a dedicated
 * embedded primary's data directory, streaming from it): read-only transactions reach the
 * standby, everything else the primary, and read-only work goes to the primary while the
 * standby is stopped or its replay is paused past max-lag, then back by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class ReadReplicaIntegrationTests {

	private static final Duration MAX_LAG = Duration.ofSeconds(1);

	private PostgresServer primary;

	private PostgresServer replica;

	private final String applicationName = "replica-" + UUID.randomUUID().toString().substring(0, 8);

	private ApplicationContextRunner contextRunner;

	@BeforeAll
	void startPrimaryAndReplica() {
		this.primary = PostgresServers.dedicated();
		this.replica = PostgresServers.streamingReplicaOf(this.primary);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
					PoolGuardResilienceAutoConfiguration.class, PoolGuardBudgetAutoConfiguration.class,
					PoolGuardReplicaAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + this.primary.jdbcUrl(),
					"spring.datasource.username=" + this.primary.username(),
					"spring.datasource.password=" + this.primary.password(),
					"spring.application.name=" + this.applicationName, "poolguard.connection-limit=3",
					"poolguard.replica.url=" + this.replica.jdbcUrl(), "poolguard.replica.max-lag=" + MAX_LAG.toMillis() + "ms",
					"poolguard.replica.check-interval=200ms");
	}

	@AfterAll
	void closeReplicaAndPrimary() {
		if (this.replica != null) {
			this.replica.close();
		}
		this.primary.close();
	}

	@Test
	void readOnlyTransactionsReachTheReplicaAndEverythingElseThePrimary() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(servedBy(context, true)).isEqualTo("replica");
			assertThat(servedBy(context, false)).isEqualTo("primary");
			assertThat(context.getBean(JdbcTemplate.class).queryForObject("SELECT pg_is_in_recovery()", Boolean.class))
				.as("no transaction: the primary").isFalse();
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isInstanceOf(LazyConnectionDataSourceProxy.class);
			assertThat(DataSourceUnwrapper.unwrap(dataSource, GuardedHikariDataSource.class))
				.isSameAs(context.getBean(TunedPools.class).get("dataSource").dataSource());
			assertThat(context.getBean(TunedPools.class).all()).extracting("name")
				.containsExactly("dataSource", "replicaDataSource");
			assertThat(((GuardedHikariDataSource) context.getBean(TunedPools.class)
				.get("replicaDataSource")
				.dataSource()).resilience().circuitBreaker().getName()).isEqualTo("poolguard-replicaDataSource");
		});
	}

	@Test
	void springBootsOwnLazyProxyGetsTheReplicaRatherThanASecondProxy() {
		this.contextRunner.withPropertyValues("spring.datasource.connection-fetch=lazy").run((context) -> {
			LazyConnectionDataSourceProxy proxy = (LazyConnectionDataSourceProxy) context.getBean(DataSource.class);
			assertThat(proxy.getTargetDataSource()).isInstanceOf(GuardedHikariDataSource.class);
			assertThat(servedBy(context, true)).isEqualTo("replica");
			assertThat(servedBy(context, false)).isEqualTo("primary");
		});
	}

	@Test
	void endpointShowsBothPoolsAndWhereReadOnlyWorkGoes() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(PoolGuardServerAutoConfiguration.class,
					PoolGuardActuatorAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=poolguard",
					"poolguard.server-metrics.enabled=false")
			.run((context) -> {
				ReplicaRouting routing = context.getBean(ReplicaRouting.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> routing.lag() != null);
				Map<String, Object> endpoint = context.getBean(PoolGuardEndpoint.class).poolguard();
				assertThat((Map<String, Object>) endpoint.get("pools")).containsOnlyKeys("dataSource",
						"replicaDataSource");
				assertThat((Map<String, Object>) endpoint.get("replica")).containsEntry("target", "REPLICA")
					.containsKey("lagMillis");
				assertThat(context.getBean("poolguardHealthIndicator")).as("the primary's alone")
					.isInstanceOf(HealthIndicator.class);
				HealthIndicator replicaHealth = context.getBean("poolguardReplicaHealthIndicator", HealthIndicator.class);
				assertThat(replicaHealth.health(true).getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void connectionMadeReadOnlyBeforeItsFirstStatementReachesTheReplica() {
		this.contextRunner.run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				connection.setReadOnly(true);
				assertThat(isInRecovery(connection)).isTrue();
			}
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThat(isInRecovery(connection)).isFalse();
			}
		});
	}

	@Test
	void readsGoToThePrimaryWhileTheReplicaIsStoppedAndBackWhenItReturns() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> {
				ReplicaRouting routing = context.getBean(ReplicaRouting.class);
				assertThat(servedBy(context, true)).isEqualTo("replica");
				this.replica.stop();
				List<String> outcomes = new ArrayList<>();
				long stopped = System.nanoTime();
				try {
					for (int i = 0; i < 20; i++) {
						outcomes.add(servedByOrFailure(context));
					}
				}
				finally {
					this.replica.start();
				}
				long failedOver = System.nanoTime() - stopped;
				System.out.println("Replica stopped: " + outcomes + " in " + Duration.ofNanos(failedOver).toMillis() + " ms");
				int firstPrimary = outcomes.indexOf("primary");
				assertThat(firstPrimary).as("reads served by the primary").isBetween(0, 5);
				assertThat(outcomes.subList(firstPrimary, outcomes.size())).as("no error once on the primary")
					.containsOnly("primary");
				long restarted = System.nanoTime();
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(servedByOrFailure(context)).isEqualTo("replica"));
				System.out.println("Replica back after " + Duration.ofNanos(System.nanoTime() - restarted).toMillis()
						+ " ms; routing " + routing.toMap());
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("poolguard.replica.switches").tag("target", "primary").functionCounter().count())
					.isEqualTo(1);
				assertThat(registry.get("poolguard.replica.switches").tag("target", "replica").functionCounter().count())
					.isEqualTo(1);
				assertThat(registry.get("poolguard.replica.routed").tag("target", "primary").functionCounter().count())
					.isGreaterThanOrEqualTo(15);
				assertThat(((GuardedHikariDataSource) context.getBean(TunedPools.class)
					.get("replicaDataSource")
					.dataSource()).events().recent()).extracting("type")
					.contains("read-only-to-primary", "read-only-to-replica");
			});
	}

	@Test
	void rowJustWrittenIsReadableWhileReplayIsPausedBeyondMaxLag() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			ReplicaRouting routing = context.getBean(ReplicaRouting.class);
			String table = "paused_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
			jdbc.execute("CREATE TABLE " + table + " (name text)");
			await().atMost(Duration.ofSeconds(10)).until(() -> routing.target() == Target.REPLICA);
			this.replica.execute("SELECT pg_wal_replay_pause()");
			try {
				jdbc.update("INSERT INTO " + table + " VALUES ('before')");
				long paused = System.nanoTime();
				await().atMost(MAX_LAG.plusSeconds(5)).until(() -> routing.target() == Target.PRIMARY);
				System.out.println("Lagging replica left after " + Duration.ofNanos(System.nanoTime() - paused).toMillis()
						+ " ms (max-lag " + MAX_LAG.toMillis() + " ms): " + routing.toMap());
				jdbc.update("INSERT INTO " + table + " VALUES ('just written')");
				List<String> names = readOnly(context).execute((status) -> jdbc
					.queryForList("SELECT name FROM " + table + " ORDER BY name", String.class));
				assertThat(names).containsExactly("before", "just written");
			}
			finally {
				this.replica.execute("SELECT pg_wal_replay_resume()");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> routing.target() == Target.REPLICA);
			assertThat(servedBy(context, true)).isEqualTo("replica");
		});
	}

	@Test
	void replicaPoolLeftAloneLeavesReadOnlyWorkOnThePrimary() {
		this.contextRunner.withPropertyValues("poolguard.pools.replicaDataSource.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(servedBy(context, true)).isEqualTo("primary");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> context.getBean(ReplicaRouting.class).target() == Target.PRIMARY);
		});
	}

	@Test
	void idlePrimaryDoesNotMakeTheReplicaLookLate() {
		this.contextRunner.withPropertyValues("poolguard.replica.max-lag=300ms").run((context) -> {
			ReplicaRouting routing = context.getBean(ReplicaRouting.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> routing.lag() != null);
			// Held for 1.5 s, five max-lags: an idle primary never turns into lag.
			await().during(Duration.ofMillis(1500))
				.atMost(Duration.ofSeconds(3))
				.untilAsserted(() -> {
					assertThat(routing.target()).isEqualTo(Target.REPLICA);
					assertThat(routing.lag()).isLessThan(Duration.ofMillis(300));
				});
		});
	}

	private String servedByOrFailure(AssertableApplicationContext context) {
		try {
			return servedBy(context, true);
		}
		catch (RuntimeException ex) {
			return "failed: " + ex.getClass().getSimpleName();
		}
	}

	private static String servedBy(AssertableApplicationContext context, boolean readOnly) {
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		transaction.setReadOnly(readOnly);
		Boolean inRecovery = transaction.execute((status) -> context.getBean(JdbcTemplate.class)
			.queryForObject("SELECT pg_is_in_recovery()", Boolean.class));
		return Boolean.TRUE.equals(inRecovery) ? "replica" : "primary";
	}

	private static TransactionTemplate readOnly(AssertableApplicationContext context) {
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		transaction.setReadOnly(true);
		return transaction;
	}

	private static boolean isInRecovery(Connection connection) throws java.sql.SQLException {
		try (ResultSet result = connection.createStatement().executeQuery("SELECT pg_is_in_recovery()")) {
			result.next();
			return result.getBoolean(1);
		}
	}

}
