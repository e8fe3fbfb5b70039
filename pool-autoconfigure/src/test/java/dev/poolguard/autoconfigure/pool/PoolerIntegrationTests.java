package dev.poolguard.autoconfigure.pool;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.poolguard.autoconfigure.PoolGuardConfigurationException;
import dev.poolguard.autoconfigure.PoolGuardProperties.PoolerMode;
import dev.poolguard.autoconfigure.resilience.PoolGuardResilienceAutoConfiguration;
import dev.poolguard.test.PgBouncer;
import dev.poolguard.test.PostgresServer;
import dev.poolguard.test.PostgresServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Behind a real PgBouncer (Debian's package; skipped, with the reason, where it is not
 * installed): PoolGuard finds out that a pooler is in front and how it pools before the
 * pool starts, and behind transaction pooling it turns server-side prepared statements
 * off, so the statements a pool prepares never meet a server connection that lacks them.
 */
class PoolerIntegrationTests {

	private static final PostgresServer server = PostgresServers.shared();

	private static PgBouncer transactionPooler;

	private static PgBouncer sessionPooler;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PoolGuardPoolAutoConfiguration.class,
				PoolGuardResilienceAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.username=" + server.username(),
				"spring.datasource.password=" + server.password(),
				"spring.application.name=pooler-" + UUID.randomUUID().toString().substring(0, 8));

	@BeforeAll
	static void startPoolers() {
		assumeTrue(PgBouncer.isAvailable(), PgBouncer.unavailableReason());
		transactionPooler = PgBouncer.inFrontOf(server, "transaction", Map.of("default_pool_size", "5"));
		sessionPooler = PgBouncer.inFrontOf(server, "session", Map.of("default_pool_size", "20"));
		server.execute("CREATE TABLE IF NOT EXISTS pooler_writes (id bigserial PRIMARY KEY, run text NOT NULL, "
				+ "payload text NOT NULL)");
	}

	@AfterAll
	static void stopPoolers() {
		if (transactionPooler != null) {
			transactionPooler.close();
		}
		if (sessionPooler != null) {
			sessionPooler.close();
		}
	}

	@Test
	void serverWithoutPoolerIsDetectedAsNone() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + server.jdbcUrl()).run((context) -> {
			TunedPool pool = context.getBean(TunedPools.class).get("dataSource");
			assertThat(pool.pooler().mode()).isEqualTo(PoolerMode.NONE);
			assertThat(pool.pooler().isPresent()).isFalse();
			assertThat(pool.settings().get(PoolSetting.PREPARE_THRESHOLD).value()).isEqualTo(5);
		});
	}

	@Test
	void transactionPoolerIsDetectedAndServerSidePreparedStatementsAreTurnedOff() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + transactionPooler.jdbcUrl(),
					"poolguard.statement-cache-size=256")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TunedPool pool = context.getBean(TunedPools.class).get("dataSource");
				assertThat(pool.pooler().mode()).isEqualTo(PoolerMode.TRANSACTION);
				assertThat(pool.pooler().losesPreparedStatements()).isTrue();
				EffectiveSetting threshold = pool.settings().get(PoolSetting.PREPARE_THRESHOLD);
				assertThat(threshold.value()).isEqualTo(0);
				assertThat(threshold.origin()).contains("pooler").contains("transaction pooling");
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(connection.unwrap(org.postgresql.PGConnection.class).getPrepareThreshold()).isZero();
				}
			});
	}

	@Test
	void sessionPoolerIsDetectedAndKeepsServerSidePreparedStatements() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + sessionPooler.jdbcUrl()).run((context) -> {
			TunedPool pool = context.getBean(TunedPools.class).get("dataSource");
			assertThat(pool.pooler().mode()).isEqualTo(PoolerMode.SESSION);
			assertThat(pool.pooler().isPresent()).isTrue();
			assertThat(pool.settings().get(PoolSetting.PREPARE_THRESHOLD).value()).isEqualTo(5);
		});
	}

	@Test
	void statementPoolerIsDetectedAndServerSidePreparedStatementsAreTurnedOff() {
		try (PgBouncer statementPooler = PgBouncer.inFrontOf(server, "statement", Map.of())) {
			this.contextRunner.withPropertyValues("spring.datasource.url=" + statementPooler.jdbcUrl())
				.run((context) -> {
					TunedPool pool = context.getBean(TunedPools.class).get("dataSource");
					assertThat(pool.pooler().mode()).isEqualTo(PoolerMode.STATEMENT);
					assertThat(pool.settings().get(PoolSetting.PREPARE_THRESHOLD).value()).isEqualTo(0);
				});
		}
	}

	@Test
	void preparedStatementsForcedOnBehindTransactionPoolerStopStartupNamingTheFix() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + transactionPooler.jdbcUrl(), "poolguard.prepare-threshold=5")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(PoolGuardConfigurationException.class)
					.hasMessageContaining("poolguard.prepare-threshold")
					.hasMessageContaining("transaction pooling");
				PoolGuardConfigurationException failure = (PoolGuardConfigurationException) org.assertj.core.util.Throwables
					.getRootCause(context.getStartupFailure());
				assertThat(failure.getProblems()).singleElement()
					.satisfies((problem) -> assertThat(problem.fix()).contains("make it 0")
						.contains("poolguard.pooler.prepared-statements=true"));
			});
	}

	@Test
	void poolerDeclaredToKeepPreparedStatementsKeepsThemOn() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + transactionPooler.jdbcUrl(),
					"poolguard.pooler.mode=transaction", "poolguard.pooler.prepared-statements=true")
			.run((context) -> {
				TunedPool pool = context.getBean(TunedPools.class).get("dataSource");
				assertThat(pool.pooler().describe()).contains("declared");
				assertThat(pool.settings().get(PoolSetting.PREPARE_THRESHOLD).value()).isEqualTo(5);
			});
	}

	@Test
	void concurrentWritesBehindTransactionPoolerSucceedAndEveryAcknowledgedOneIsStored() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + transactionPooler.jdbcUrl(),
					"poolguard.statement-cache-size=256", "poolguard.connection-limit=20")
			.run((context) -> {
				WriteLoad load = WriteLoad.run(context.getBean(DataSource.class), 8, 150);
				assertThat(load.errors()).isEmpty();
				assertThat(load.acknowledged()).isEqualTo(8 * 150);
				assertThat(storedRows(load.run())).isEqualTo(load.acknowledged());
			});
	}

	@Test
	void sameLoadWithPreparedStatementsOnFailsBehindTransactionPooler() {
		// The control: what the load meets when a pooler goes unnoticed (the 41 %).
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + transactionPooler.jdbcUrl(), "poolguard.pooler.mode=none",
					"poolguard.statement-cache-size=256", "poolguard.connection-limit=20")
			.run((context) -> {
				WriteLoad load = WriteLoad.run(context.getBean(DataSource.class), 8, 150);
				assertThat(load.errors()).isNotEmpty();
				assertThat(String.join("\n", load.errors().keySet())).containsAnyOf("prepared statement",
						"bind message");
			});
	}

	private static long storedRows(String run) throws SQLException {
		try (Connection connection = java.sql.DriverManager.getConnection(server.jdbcUrl(), server.username(),
				server.password());
				PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM pooler_writes WHERE run = ?")) {
			count.setString(1, run);
			try (ResultSet result = count.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	/**
	 * The sample application's write: a transaction of an insert and two reads, each
	 * statement the same text every time (what pgjdbc prepares on the server after
	 * prepareThreshold uses).
	 */
	record WriteLoad(String run, int acknowledged, Map<String, Integer> errors) {

		static WriteLoad run(DataSource dataSource, int threads, int writesPerThread) throws Exception {
			String run = UUID.randomUUID().toString();
			AtomicInteger acknowledged = new AtomicInteger();
			Map<String, Integer> errors = new ConcurrentHashMap<>();
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			try {
				List<Future<?>> writers = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					writers.add(executor.submit(() -> {
						for (int i = 0; i < writesPerThread; i++) {
							try {
								write(dataSource, run, i);
								acknowledged.incrementAndGet();
							}
							catch (SQLException ex) {
								errors.merge(ex.getSQLState() + " " + ex.getMessage(), 1, Integer::sum);
							}
						}
						return null;
					}));
				}
				for (Future<?> writer : writers) {
					writer.get();
				}
			}
			finally {
				executor.shutdownNow();
			}
			return new WriteLoad(run, acknowledged.get(), errors);
		}

		private static void write(DataSource dataSource, String run, int i) throws SQLException {
			try (Connection connection = dataSource.getConnection()) {
				connection.setAutoCommit(false);
				try (PreparedStatement insert = connection
					.prepareStatement("INSERT INTO pooler_writes (run, payload) VALUES (?, ?)");
						PreparedStatement read = connection
							.prepareStatement("SELECT count(*) FROM pooler_writes WHERE run = ? AND payload = ?");
						Statement plain = connection.createStatement()) {
					insert.setString(1, run);
					insert.setString(2, "payload-" + i);
					insert.executeUpdate();
					read.setString(1, run);
					read.setString(2, "payload-" + i);
					read.executeQuery().close();
					plain.executeQuery("SELECT 1").close();
					connection.commit();
				}
				catch (SQLException ex) {
					connection.rollback();
					throw ex;
				}
			}
		}

	}

}
