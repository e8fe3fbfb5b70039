package dev.poolguard.autoconfigure.budget;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

/**
 * Requests that arrive at a fixed rate, whatever the database does, each holding a
 * connection for a set time on the server ({@code pg_sleep}): the open-loop load of a web
 * application whose users do not wait for each other. Unlike a fixed number of threads
 * looping, the arrival rate stays the same when the hold time changes, so the demand
 * follows the hold time.
 */
final class SteadyArrivals implements AutoCloseable {

	private final DataSource dataSource;

	private final ScheduledExecutorService arrivals = Executors.newSingleThreadScheduledExecutor();

	private final ExecutorService requests = Executors.newCachedThreadPool();

	private final AtomicLong failures = new AtomicLong();

	private volatile Duration hold;

	SteadyArrivals(DataSource dataSource, int perSecond, Duration hold) {
		this.dataSource = dataSource;
		this.hold = hold;
		this.arrivals.scheduleAtFixedRate(() -> this.requests.execute(this::request), 0,
				TimeUnit.SECONDS.toNanos(1) / perSecond, TimeUnit.NANOSECONDS);
	}

	void holdFor(Duration hold) {
		this.hold = hold;
	}

	long failures() {
		return this.failures.get();
	}

	private void request() {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_sleep(" + this.hold.toMillis() / 1000.0 + ")");
		}
		catch (SQLException ex) {
			this.failures.incrementAndGet();
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.arrivals.shutdownNow();
		this.requests.shutdown();
		this.requests.awaitTermination(10, TimeUnit.SECONDS);
	}

}
