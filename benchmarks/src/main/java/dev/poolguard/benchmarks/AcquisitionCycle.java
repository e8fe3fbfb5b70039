package dev.poolguard.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cycle every request pays, {@code getConnection()} then {@code close()}, on one pool
 * shared by the threads, which a subclass starts from its {@code pool} parameter. Average
 * time per cycle is what the target is about; throughput, which does not care which thread
 * did the work, is the steadier ratio with more threads than cores.
 *
 * @author PoolGuard
 */
@BenchmarkMode({ Mode.AverageTime, Mode.Throughput })
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class AcquisitionCycle {

	protected HikariDataSource dataSource;

	@TearDown(Level.Trial)
	public void closePool() {
		this.dataSource.close();
	}

	/** One cycle; the (closed) connection is returned for JMH to consume, so the JIT keeps the work. */
	@Benchmark
	public Connection getConnectionAndClose() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.close();
		return connection;
	}

}
