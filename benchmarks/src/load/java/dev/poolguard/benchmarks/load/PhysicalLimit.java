package dev.poolguard.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.resilience.AcquisitionResilience;
import dev.poolguard.autoconfigure.resilience.GuardedHikariDataSource;

/**
 * Against the physical limit: the sample's main request, {@code GET /api/clients/{id}}
 * (select the client, insert an audit row, commit), run by N threads over N connections
 * through PoolGuard's guarded pool, through raw HikariCP, and by pgbench with the same SQL
 * and the same number of connections. Every loop ends after its duration.
 *
 * @author PoolGuard
 */
final class PhysicalLimit {

	static final String SELECT = "SELECT id, name, email, phone, created_at, updated_at FROM clients WHERE id = ?";

	static final String AUDIT = "INSERT INTO client_audit (client_id, action) VALUES (?, 'VIEWED')";

	private static final String PGBENCH_SCRIPT = """
			\\set id random(1, 10000)
			BEGIN;
			SELECT id, name, email, phone, created_at, updated_at FROM clients WHERE id = :id;
			INSERT INTO client_audit (client_id, action) VALUES (:id, 'VIEWED');
			COMMIT;
			""";

	private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

	private PhysicalLimit() {
	}

	/**
	 * Runs the three, {@code rounds} times in turn, and returns the figures: the median
	 * of the rounds, since two cores shared by the client and the server make any one
	 * round noisy.
	 */
	static Map<String, Object> run(String host, int port, String user, String password, int threads,
			Duration duration, Duration warmup, int rounds, Path workDir) throws Exception {
		Files.createDirectories(workDir);
		Path script = workDir.resolve("client-get.sql");
		Files.writeString(script, PGBENCH_SCRIPT, StandardCharsets.UTF_8);
		String jdbcUrl = "jdbc:postgresql://" + host + ":" + port + "/postgres";
		List<Double> poolguard = new ArrayList<>();
		List<Double> hikari = new ArrayList<>();
		List<Double> pgbench = new ArrayList<>();
		for (int round = 0; round < rounds; round++) {
			// Each round in another order, so that none of the three always runs on a
			// database warmed (or bloated) by the others.
			for (int turn = 0; turn < 3; turn++) {
				switch ((round + turn) % 3) {
					case 0 -> pgbench.add(pgbench(host, port, user, password, threads, duration, script, workDir));
					case 1 -> hikari.add(jdbc(false, jdbcUrl, user, password, threads, duration, warmup));
					default -> poolguard.add(jdbc(true, jdbcUrl, user, password, threads, duration, warmup));
				}
			}
			System.out.printf("physical limit round %d: pgbench %.0f tps, hikari %.0f tps, poolguard %.0f tps%n",
					round + 1, pgbench.get(round), hikari.get(round), poolguard.get(round));
		}
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("threads", threads);
		figures.put("connections", threads);
		figures.put("secondsEach", duration.toSeconds());
		figures.put("rounds", rounds);
		figures.put("pgbenchTps", Analysis.round(median(pgbench), 1));
		figures.put("hikariTps", Analysis.round(median(hikari), 1));
		figures.put("poolguardTps", Analysis.round(median(poolguard), 1));
		figures.put("pgbenchTpsRounds", pgbench);
		figures.put("hikariTpsRounds", hikari);
		figures.put("poolguardTpsRounds", poolguard);
		// Ratios within each round, whose three runs are minutes apart, then their median:
		// the server slows down over the run (its audit table grows), which a ratio of
		// medians taken across rounds would blame on whoever ran late.
		figures.put("poolguardToPgbench", Analysis.round(median(ratios(poolguard, pgbench)), 3));
		figures.put("hikariToPgbench", Analysis.round(median(ratios(hikari, pgbench)), 3));
		figures.put("poolguardToHikari", Analysis.round(median(ratios(poolguard, hikari)), 3));
		return figures;
	}

	private static List<Double> ratios(List<Double> numerators, List<Double> denominators) {
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < numerators.size(); i++) {
			ratios.add(numerators.get(i) / denominators.get(i));
		}
		return ratios;
	}

	private static double median(List<Double> values) {
		return Analysis.median(values.stream().mapToDouble(Double::doubleValue).toArray());
	}

	static double pgbench(String host, int port, String user, String password, int threads, Duration duration,
			Path script, Path workDir) throws IOException, InterruptedException {
		List<String> command = List.of("pgbench", "-n", "-f", script.toString(), "-c", String.valueOf(threads), "-j",
				String.valueOf(threads), "-T", String.valueOf(duration.toSeconds()), "-M", "prepared", "-h", host,
				"-p", String.valueOf(port), "-U", user, "postgres");
		Path log = workDir.resolve("pgbench.log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("PGPASSWORD", password);
		Process process = builder.start();
		if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("pgbench did not finish; see " + log);
		}
		String output = Files.readString(log);
		Matcher matcher = TPS.matcher(output);
		if (process.exitValue() != 0 || !matcher.find()) {
			throw new IOException("pgbench failed (exit " + process.exitValue() + "):\n" + output);
		}
		return Double.parseDouble(matcher.group(1));
	}

	static double jdbc(boolean guarded, String jdbcUrl, String user, String password, int threads,
			Duration duration, Duration warmup) throws Exception {
		HikariDataSource configured = new HikariDataSource();
		configured.setPoolName(guarded ? "limit-poolguard" : "limit-hikari");
		configured.setJdbcUrl(jdbcUrl);
		configured.setUsername(user);
		configured.setPassword(password);
		configured.setMaximumPoolSize(threads);
		configured.setMinimumIdle(threads);
		// Spring's @Transactional: autocommit off for the transaction, commit at the end.
		configured.setAutoCommit(false);
		HikariDataSource dataSource = guarded
				? new GuardedHikariDataSource(configured, AcquisitionResilience.of(new PoolGuardProperties()))
				: configured;
		try {
			try (Connection connection = dataSource.getConnection()) {
				connection.rollback();
			}
			drive(dataSource, threads, warmup);
			long count = drive(dataSource, threads, duration);
			return count / (duration.toNanos() / 1e9);
		}
		finally {
			dataSource.close();
		}
	}

	private static long drive(HikariDataSource dataSource, int threads, Duration duration)
			throws InterruptedException {
		LongAdder transactions = new LongAdder();
		AtomicBoolean running = new AtomicBoolean(true);
		CountDownLatch failed = new CountDownLatch(1);
		List<Throwable> failures = new ArrayList<>();
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			Thread worker = new Thread(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (running.get()) {
					long id = random.nextLong(1, 10_001);
					try (Connection connection = dataSource.getConnection()) {
						try (PreparedStatement select = connection.prepareStatement(SELECT)) {
							select.setLong(1, id);
							try (ResultSet rows = select.executeQuery()) {
								while (rows.next()) {
									rows.getString(2);
								}
							}
						}
						try (PreparedStatement audit = connection.prepareStatement(AUDIT)) {
							audit.setLong(1, id);
							audit.executeUpdate();
						}
						connection.commit();
						transactions.increment();
					}
					catch (SQLException ex) {
						synchronized (failures) {
							failures.add(ex);
						}
						running.set(false);
						failed.countDown();
					}
				}
			}, "limit-" + i);
			workers.add(worker);
		}
		workers.forEach(Thread::start);
		// Over after the duration, or as soon as a transaction fails.
		failed.await(duration.toNanos(), TimeUnit.NANOSECONDS);
		long count = transactions.sum();
		running.set(false);
		for (Thread worker : workers) {
			worker.join(10_000);
		}
		if (!failures.isEmpty()) {
			throw new IllegalStateException("A transaction failed", failures.get(0));
		}
		return count;
	}

}
