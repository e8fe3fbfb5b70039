package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

/**
 * Steady traffic against a data source, the way a web application's request threads
 * would hit it: borrow a connection, run a query, give the connection back, every few
 * milliseconds. Every request's outcome and duration is kept.
 */
final class RequestLoad implements AutoCloseable {

	private static final long PAUSE_MILLIS = 5;

	private final DataSource dataSource;

	private final ExecutorService threads;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	RequestLoad(DataSource dataSource, int threads) {
		this.dataSource = dataSource;
		this.threads = Executors.newFixedThreadPool(threads);
		for (int i = 0; i < threads; i++) {
			this.threads.execute(this::run);
		}
	}

	private void run() {
		while (this.running.get()) {
			long start = System.nanoTime();
			Throwable failure = null;
			try (Connection connection = this.dataSource.getConnection()) {
				connection.createStatement().execute("SELECT 1");
			}
			catch (SQLException | RuntimeException ex) {
				failure = ex;
			}
			this.requests.add(new Request(start, System.nanoTime() - start, failure));
			try {
				Thread.sleep(PAUSE_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	long successesSince(long nanoTime) {
		return this.requests.stream().filter((request) -> request.start() >= nanoTime && request.succeeded()).count();
	}

	long firstSuccessAfter(long nanoTime) {
		return this.requests.stream()
			.filter((request) -> request.start() >= nanoTime && request.succeeded())
			.mapToLong((request) -> request.start() + request.nanos())
			.min()
			.orElseThrow();
	}

	Duration longestRequest() {
		return Duration.ofNanos(this.requests.stream().mapToLong(Request::nanos).max().orElse(0));
	}

	List<Request> requests() {
		return List.copyOf(this.requests);
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		this.threads.shutdown();
		this.threads.awaitTermination(30, TimeUnit.SECONDS);
	}

	record Request(long start, long nanos, Throwable failure) {

		boolean succeeded() {
			return this.failure == null;
		}

	}

}
