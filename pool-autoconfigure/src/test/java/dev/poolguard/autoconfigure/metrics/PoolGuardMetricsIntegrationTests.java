package dev.poolguard.autoconfigure.metrics;

import java.sql.Connection;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.budget.PoolGuardBudgetAutoConfiguration;
import dev.poolguard.autoconfigure.pool.PoolGuardPoolAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.DatabaseUnavailableException;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.autoconfigure.resilience.PoolSaturatedException;
import dev.poolguard.autoconfigure.server.PoolGuardServerAutoConfiguration;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * What a dashboard and an alert rule need (seeds 003 and 004): acquisitions by outcome,
 * rejections and retries, the pool's utilisation, the server's connections and limit, and
 * Resilience4j's own meters, on the application's registry, next to Spring Boot's
 * {@code hikaricp.*}.
 */
class PoolGuardMetricsIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, PoolGuardServerAutoConfiguration.class,
				PoolGuardMetricsAutoConfiguration.class, PoolGuardBudgetAutoConfiguration.class,
				DataSourceAutoConfiguration.class,
				DataSourcePoolMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + server.jdbcUrl(),
				"spring.datasource.username=" + server.username(), "spring.datasource.password=" + server.password(),
				"spring.application.name=metrics-" + UUID.randomUUID().toString().substring(0, 8),
				"poolguard.connection-limit=2", "poolguard.server-metrics.interval=1s");

	@Test
	void acquisitionsAreTimedByOutcomeAndTaggedByPool() {
		this.contextRunner.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			for (int i = 0; i < 3; i++) {
				dataSource.getConnection().close();
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("poolguard.acquire").tag("pool", "dataSource").tag("outcome", "success").timer().count())
				.isEqualTo(3);
			assertThat(registry.get("poolguard.acquire").tag("outcome", "saturated").timer().count()).isZero();
		});
	}

	@Test
	void rejectionsAreCountedByReason() {
		this.contextRunner.withPropertyValues("poolguard.max-waiting=0").run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			dataSource.getConnection().close();
			await().until(() -> dataSource.getHikariPoolMXBean().getIdleConnections() == 2);
			try (Connection first = dataSource.getConnection(); Connection second = dataSource.getConnection()) {
				assertThat(catchThrowable(dataSource::getConnection)).isInstanceOf(PoolSaturatedException.class);
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("poolguard.acquire.rejected").tag("reason", "max_waiting").counter().count())
				.isEqualTo(1);
			assertThat(registry.get("poolguard.acquire").tag("outcome", "saturated").timer().count()).isEqualTo(1);
		});
	}

	@Test
	void retriesOfAnUnreachableDatabaseAreCounted() {
		this.contextRunner.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/postgres")
			.run((context) -> {
				assertThat(catchThrowable(() -> context.getBean(DataSource.class).getConnection()))
					.isInstanceOf(DatabaseUnavailableException.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("poolguard.acquire.retries").counter().count()).isEqualTo(2);
				assertThat(registry.get("poolguard.acquire").tag("outcome", "unavailable").timer().count())
					.isEqualTo(1);
			});
	}

	@Test
	void utilisationAndTheServersConnectionsAreGauged() {
		this.contextRunner.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			try (Connection connection = dataSource.getConnection()) {
				assertThat(registry.get("poolguard.pool.utilization").gauge().value()).isEqualTo(0.5);
				await().untilAsserted(() -> assertThat(registry.get("poolguard.server.connections")
					.tag("client", "application")
					.tag("state", "idle")
					.gauge()
					.value()).isGreaterThanOrEqualTo(1));
			}
			assertThat(registry.get("poolguard.server.max.connections").gauge().value()).isEqualTo(100);
		});
	}

	@Test
	void everyPoolGuardMeterCarriesThePoolTag() {
		this.contextRunner.run((context) -> {
			context.getBean(DataSource.class).getConnection().close();
			List<Meter> meters = context.getBean(MeterRegistry.class)
				.getMeters()
				.stream()
				.filter((meter) -> meter.getId().getName().startsWith("poolguard"))
				.toList();
			assertThat(meters).extracting((meter) -> meter.getId().getName()).contains("poolguard.budget.connections");
			assertThat(meters).allSatisfy((meter) -> assertThat(meter.getId().getTag("pool")).isEqualTo("dataSource"));
		});
	}

	@Test
	void resilience4jAndHikariMetricsAreThereToo() {
		this.contextRunner.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			for (int i = 0; i < 100; i++) {
				dataSource.getConnection().close();
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("resilience4j.circuitbreaker.calls")
				.tag("name", "poolguard")
				.tag("kind", "successful")
				.timer()
				.count()).as("every acquisition, not the first 20 only").isEqualTo(100);
			assertThat(registry.get("resilience4j.circuitbreaker.state").tag("name", "poolguard").gauges()).isNotEmpty();
			assertThat(registry.get("resilience4j.retry.calls").tag("name", "poolguard").functionCounters())
				.isNotEmpty();
			assertThat(registry.get("hikaricp.connections.max").tag("pool", "dataSource").gauge().value()).isEqualTo(2);
		});
	}

	@Test
	void nothingGoesToMicrometersGlobalRegistry() {
		this.contextRunner.run((context) -> {
			context.getBean(DataSource.class).getConnection().close();
			assertThat(Metrics.globalRegistry.find("poolguard.acquire").meters()).isEmpty();
		});
	}

	@Test
	void serverSamplingCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("poolguard.server-metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("poolGuardServerSampling"));
	}

}
