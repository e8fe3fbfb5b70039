package dev.poolguard.autoconfigure.pool;

import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How PoolGuard's settings reach Spring Boot's pool, and how they live alongside
 * {@code spring.datasource.hikari.*}. The pool is configured, never started: the live
 * effects are proven in {@link TunedPoolIntegrationTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolTuningAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/never-contacted");

	@Test
	void tunedDefaultsReplaceHikariAndDriverDefaults() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getMaximumPoolSize()).isEqualTo(10);
			assertThat(pool.getMinimumIdle()).isEqualTo(10);
			assertThat(pool.getConnectionTimeout()).isEqualTo(5_000);
			assertThat(pool.getValidationTimeout()).isEqualTo(2_000);
			assertThat(pool.getKeepaliveTime()).isEqualTo(120_000);
			assertThat(pool.getMaxLifetime()).isEqualTo(1_800_000);
			assertThat(pool.getLeakDetectionThreshold()).as("a stack trace per borrow is HikariCP's price for it")
				.isZero();
			assertThat(pool.getDataSourceProperties()).containsEntry("socketTimeout", "30")
				.containsEntry("connectTimeout", "5")
				.containsEntry("tcpKeepAlive", "true")
				.containsEntry("preparedStatementCacheQueries", "256")
				.containsEntry("preparedStatementCacheSizeMiB", "5")
				.containsEntry("prepareThreshold", "5");
			assertThat(pool.getDataSourceProperties().getProperty("ApplicationName"))
				.as("without spring.application.name, a name of this process's own, not pgjdbc's shared default")
				.matches("app-" + ProcessHandle.current().pid() + "-[0-9a-f]+");
		});
	}

	@Test
	void configuredValuesReachThePoolAndTheDriver() {
		this.contextRunner
			.withPropertyValues("poolguard.connection-limit=50", "poolguard.min-idle=5", "poolguard.pool-timeout=2s",
					"poolguard.idle-timeout=1m", "poolguard.max-lifetime=20m", "poolguard.keepalive-time=1m",
					"poolguard.validation-timeout=1s", "poolguard.leak-detection-threshold=60s",
					"poolguard.statement-cache-size=200", "poolguard.statement-cache-size-mib=2",
					"poolguard.prepare-threshold=3", "poolguard.socket-timeout=10s", "poolguard.connect-timeout=2s",
					"poolguard.tcp-keep-alive=false", "poolguard.application-name=billing")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getMaximumPoolSize()).isEqualTo(50);
				assertThat(pool.getMinimumIdle()).isEqualTo(5);
				assertThat(pool.getConnectionTimeout()).isEqualTo(2_000);
				assertThat(pool.getIdleTimeout()).isEqualTo(60_000);
				assertThat(pool.getMaxLifetime()).isEqualTo(1_200_000);
				assertThat(pool.getKeepaliveTime()).isEqualTo(60_000);
				assertThat(pool.getValidationTimeout()).isEqualTo(1_000);
				assertThat(pool.getLeakDetectionThreshold()).isEqualTo(60_000);
				assertThat(pool.getDataSourceProperties()).containsEntry("preparedStatementCacheQueries", "200")
					.containsEntry("preparedStatementCacheSizeMiB", "2")
					.containsEntry("prepareThreshold", "3")
					.containsEntry("socketTimeout", "10")
					.containsEntry("connectTimeout", "2")
					.containsEntry("tcpKeepAlive", "false")
					.containsEntry("ApplicationName", "billing");
			});
	}

	@Test
	void bareNumberPoolTimeoutMeansSecondsAsInSeed004() {
		this.contextRunner.withPropertyValues("poolguard.pool-timeout=30")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getConnectionTimeout())
				.isEqualTo(30_000));
	}

	@Test
	void validationTimeoutDefaultsToHalfOfAShortPoolTimeout() {
		this.contextRunner.withPropertyValues("poolguard.pool-timeout=1s")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getValidationTimeout()).isEqualTo(500));
	}

	@Test
	void defaultsYieldToAShortMaxLifetimeInsteadOfFailing() {
		this.contextRunner.withPropertyValues("poolguard.max-lifetime=45s").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getMaxLifetime()).isEqualTo(45_000);
			assertThat(pool.getIdleTimeout()).isZero();
			assertThat(pool.getKeepaliveTime()).isZero();
			assertThat(pool.getLeakDetectionThreshold()).isZero();
		});
	}

	@Test
	void environmentVariablesConfigureThePool() {
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("POOLGUARD_CONNECTION_LIMIT", "7", "POOLGUARD_POOL_TIMEOUT", "3",
								"POOLGUARD_STATEMENT_CACHE_SIZE", "0"))))
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getMaximumPoolSize()).isEqualTo(7);
				assertThat(pool.getConnectionTimeout()).isEqualTo(3_000);
				assertThat(pool.getDataSourceProperties()).containsEntry("preparedStatementCacheQueries", "0");
				assertThat(settings(context).get(PoolSetting.CONNECTION_LIMIT).origin())
					.isEqualTo("poolguard.connection-limit");
			});
	}

	@Test
	void applicationNameDefaultsToSpringApplicationName() {
		this.contextRunner.withPropertyValues("spring.application.name=orders")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getDataSourceProperties())
				.containsEntry("ApplicationName", "orders"));
	}

	@Test
	void statementCacheSizeZeroTurnsServerSidePreparedStatementsOff() {
		this.contextRunner.withPropertyValues("poolguard.statement-cache-size=0").run((context) -> {
			assertThat(context.getBean(HikariDataSource.class).getDataSourceProperties())
				.containsEntry("preparedStatementCacheQueries", "0")
				.containsEntry("prepareThreshold", "0");
			assertThat(settings(context).get(PoolSetting.PREPARE_THRESHOLD).origin())
				.isEqualTo("poolguard.statement-cache-size=0");
		});
	}

	@Test
	void driverPropertiesArePassedThrough() {
		this.contextRunner
			.withPropertyValues("poolguard.driver-properties.sslmode=disable",
					"poolguard.driver-properties[reWriteBatchedInserts]=true")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getDataSourceProperties())
				.containsEntry("sslmode", "disable")
				.containsEntry("reWriteBatchedInserts", "true"));
	}

	@Test
	void settingGivenOnlyThroughHikariPropertiesIsKept() {
		this.contextRunner.withPropertyValues("spring.datasource.hikari.maximum-pool-size=25").run((context) -> {
			assertThat(context.getBean(HikariDataSource.class).getMaximumPoolSize()).isEqualTo(25);
			assertThat(context.getBean(HikariDataSource.class).getMinimumIdle()).isEqualTo(25);
			assertThat(settings(context).get(PoolSetting.CONNECTION_LIMIT).origin())
				.isEqualTo("spring.datasource.hikari.maximum-pool-size");
		});
	}

	@Test
	void hikariSettingsPoolGuardDoesNotCoverStillApply() {
		this.contextRunner
			.withPropertyValues("spring.datasource.hikari.pool-name=orders-pool",
					"spring.datasource.hikari.auto-commit=false")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getPoolName()).isEqualTo("orders-pool");
				assertThat(pool.isAutoCommit()).isFalse();
			});
	}

	@Test
	void settingGivenTwiceWithTheSameValueIsAccepted() {
		this.contextRunner
			.withPropertyValues("poolguard.connection-limit=20", "spring.datasource.hikari.maximum-pool-size=20")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getMaximumPoolSize()).isEqualTo(20));
	}

	@Test
	void settingGivenTwiceWithDifferentValuesStopsStartupNamingBoth() {
		this.contextRunner
			.withPropertyValues("poolguard.connection-limit=20", "spring.datasource.hikari.maximum-pool-size=50")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PoolGuardConfigurationException.class)
				.hasMessageContaining("poolguard.connection-limit=20")
				.hasMessageContaining("spring.datasource.hikari.maximum-pool-size sets the same setting to 50"));
	}

	@Test
	void driverSettingInTheJdbcUrlThatDisagreesStopsStartup() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/db?socketTimeout=10",
					"poolguard.socket-timeout=20s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("poolguard.socket-timeout=20s")
				.hasMessageContaining("the JDBC URL parameter socketTimeout sets the same setting to 10s"));
	}

	@Test
	void driverSettingInTheJdbcUrlIsKeptWhenPoolGuardIsSilent() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/db?socketTimeout=10")
			.run((context) -> assertThat(settings(context).get(PoolSetting.SOCKET_TIMEOUT).origin())
				.isEqualTo("the JDBC URL parameter socketTimeout"));
	}

	@Test
	void passedThroughDriverPropertyThatDisagreesWithHikariStopsStartup() {
		this.contextRunner
			.withPropertyValues("poolguard.driver-properties.sslmode=require",
					"spring.datasource.hikari.data-source-properties.sslmode=disable")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("poolguard.driver-properties.sslmode=require")
				.hasMessageContaining("sets the same setting to disable"));
	}

	@Test
	void passedThroughDriverPropertyThatPoolGuardCoversIsRejected() {
		this.contextRunner.withPropertyValues("poolguard.driver-properties.socketTimeout=5")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("poolguard.driver-properties.socketTimeout=5")
				.hasMessageContaining("it is a setting PoolGuard covers itself"));
	}

	@Test
	void passwordsInConflictingDriverPropertiesAreNeverShown() {
		this.contextRunner
			.withPropertyValues("poolguard.driver-properties.password=Pg-S3cret-One",
					"spring.datasource.hikari.data-source-properties.password=Pg-S3cret-Two")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("poolguard.driver-properties.password=******")
				.hasMessageNotContaining("Pg-S3cret-One")
				.hasMessageNotContaining("Pg-S3cret-Two"));
	}

	@Test
	void settingsOnAnApplicationBuiltPoolAreKept() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class))
			.withBean("dataSource", HikariDataSource.class, () -> {
				HikariDataSource pool = new HikariDataSource();
				pool.setJdbcUrl("jdbc:postgresql://localhost:1/never-contacted");
				pool.setMaximumPoolSize(33);
				return pool;
			})
			.run((context) -> {
				assertThat(context.getBean(HikariDataSource.class).getMaximumPoolSize()).isEqualTo(33);
				assertThat(context.getBean(HikariDataSource.class).getConnectionTimeout()).isEqualTo(5_000);
				assertThat(settings(context).get(PoolSetting.CONNECTION_LIMIT).origin())
					.isEqualTo("the HikariDataSource bean");
			});
	}

	@Test
	void nonPostgresDataSourceIsLeftAloneWithOneLogLine(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:mysql://localhost:1/db?password=NotShown",
					"spring.datasource.driver-class-name=org.postgresql.Driver")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getConnectionTimeout()).isEqualTo(30_000);
				assertThat(pool.getDataSourceProperties()).isEmpty();
				assertThat(context.getBean(TunedPools.class).settingsOf("dataSource")).isNull();
			});
		assertThat(output).containsOnlyOnce("PoolGuard backs off")
			.contains("jdbc:mysql://localhost:1/db")
			.doesNotContain("NotShown");
	}

	@Test
	void disabledPoolGuardLeavesThePoolAlone() {
		this.contextRunner.withPropertyValues("poolguard.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TunedPools.class);
			assertThat(context.getBean(HikariDataSource.class).getConnectionTimeout()).isEqualTo(30_000);
		});
	}

	@Test
	void startupLogLineShowsTheSettingsButNoSecret(CapturedOutput output) {
		this.contextRunner.withPropertyValues("poolguard.driver-properties.sslpassword=Key-S3cret")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("PoolGuard tuned pool to jdbc:postgresql://localhost:1/never-contacted")
			.contains("connection-limit=10")
			.contains("pool-timeout=5s")
			.contains("sslpassword=******")
			.doesNotContain("Key-S3cret");
	}

	private static EffectivePoolSettings settings(AssertableApplicationContext context) {
		return context.getBean(TunedPools.class).settingsOf("dataSource");
	}

}
