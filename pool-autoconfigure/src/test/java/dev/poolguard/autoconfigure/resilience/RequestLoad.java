package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

/**
 * Steady traffic against a data source, the way a web application's request threads
 * would hit it: borrow a connection, run a query, give the connection back, every few
 * milliseconds. Every request's outcome and duration is kept.
 */
final class RequestLoad implements AutoCloseable {

	private static final long PAUSE_MILLIS = 5;

	private final DataSource dataSource;

	private final ScheduledExecutorService threads;

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	RequestLoad(DataSource dataSource, int threads) {
		this.dataSource = dataSource;
		this.threads = Executors.newScheduledThreadPool(threads);
		for (int i = 0; i < threads; i++) {
			this.threads.scheduleWithFixedDelay(this::request, 0, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	private void request() {
		long start = System.nanoTime();
		Throwable failure = null;
		try (Connection connection = this.dataSource.getConnection()) {
			connection.createStatement().execute("SELECT 1");
		}
		catch (SQLException | RuntimeException ex) {
			failure = ex;
		}
		this.requests.add(new Request(start, System.nanoTime() - start, failure));
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

	/**
	 * Failed requests that started after a moment and failed within 100 ms: the fast
	 * answers a caller gets instead of a wait.
	 */
	long fastFailuresSince(long nanoTime) {
		return this.requests.stream().filter((request) -> request.start() >= nanoTime && request.failedFast()).count();
	}

	long firstFastFailureAfter(long nanoTime) {
		return this.requests.stream()
			.filter((request) -> request.start() >= nanoTime && request.failedFast())
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
		this.threads.shutdown();
		this.threads.awaitTermination(30, TimeUnit.SECONDS);
	}

	record Request(long start, long nanos, Throwable failure) {

		boolean succeeded() {
			return this.failure == null;
		}

		boolean failedFast() {
			return this.failure != null && this.nanos < 100_000_000L;
		}

	}

}
