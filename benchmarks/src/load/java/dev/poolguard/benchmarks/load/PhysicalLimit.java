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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * Against the physical limit: the sample's main transaction (select a client, insert an
 * audit row, commit) by N threads over N connections through PoolGuard's guarded pool,
 * through raw HikariCP, and by pgbench with the same SQL and connections.
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

	/** The three, {@code rounds} times in turn (two shared cores make one round noisy). */
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
			// Each round in another order: none always runs on a database the others warmed.
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
		// Ratios within each round, then their median: the server slows down over the run
		// (its audit table grows), which a ratio of medians across rounds would blame on
		// whoever ran late.
		return Map.of("threadsAndConnections", threads, "secondsEach", duration.toSeconds(), "rounds", rounds,
				"tpsRounds", Map.of("pgbench", pgbench, "hikari", hikari, "poolguard", poolguard),
				"medianTps", Map.of("pgbench", Recorder.round(Recorder.median(pgbench), 0), "hikari",
						Recorder.round(Recorder.median(hikari), 0), "poolguard", Recorder.round(Recorder.median(poolguard), 0)),
				"poolguardToPgbench", ratio(poolguard, pgbench), "hikariToPgbench", ratio(hikari, pgbench),
				"poolguardToHikari", ratio(poolguard, hikari));
	}

	private static double ratio(List<Double> numerators, List<Double> denominators) {
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < numerators.size(); i++) {
			ratios.add(numerators.get(i) / denominators.get(i));
		}
		return Recorder.round(Recorder.median(ratios), 3);
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

	/** N threads run the transaction until the duration is over; the first failure ends the run. */
	private static long drive(HikariDataSource dataSource, int threads, Duration duration) throws Exception {
		LongAdder transactions = new LongAdder();
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService workers = Executors.newFixedThreadPool(threads);
		List<Future<?>> loops = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			loops.add(workers.submit(() -> {
				while (running.get()) {
					transaction(dataSource, ThreadLocalRandom.current().nextLong(1, 10_001));
					transactions.increment();
				}
				return null;
			}));
		}
		long deadline = System.nanoTime() + duration.toNanos();
		while (System.nanoTime() < deadline && loops.stream().noneMatch(Future::isDone)) {
			Thread.sleep(10);
		}
		long count = transactions.sum();
		running.set(false);
		workers.shutdown();
		for (Future<?> loop : loops) {
			loop.get(10, TimeUnit.SECONDS);
		}
		return count;
	}

	private static void transaction(HikariDataSource dataSource, long id) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement(SELECT);
				PreparedStatement audit = connection.prepareStatement(AUDIT)) {
			select.setLong(1, id);
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					rows.getString(2);
				}
			}
			audit.setLong(1, id);
			audit.executeUpdate();
			connection.commit();
		}
	}

}
