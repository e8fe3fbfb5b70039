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
 * The cycle every request of an application pays: one {@code getConnection()} followed by
 * {@code close()}, on a pool that a subclass starts from its {@code pool} parameter. The
 * threads share one pool, as an application's request threads do.
 *
 * <p>
 * Two modes: average time per cycle, the figure the target is about, and throughput, all
 * threads' cycles per unit of time. With more threads than cores the average time is the
 * mean of each thread's own average, which a thread the scheduler starves inflates;
 * throughput does not care which thread did the work, so its ratio is the steadier one.
 * The annotations' defaults are for running JMH directly; {@code benchmarks/run-jmh.sh}
 * runs the cycle at 1 and 4 threads.
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

	/**
	 * One acquisition cycle. The connection is returned so that JMH consumes it and the JIT
	 * cannot discard the work.
	 * @return the (closed) connection proxy
	 * @throws SQLException if the pool fails
	 */
	@Benchmark
	public Connection getConnectionAndClose() throws SQLException {
		Connection connection = this.dataSource.getConnection();
		connection.close();
		return connection;
	}

}
