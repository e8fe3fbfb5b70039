package dev.poolguard.autoconfigure.resilience;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Tells what kind of failure a failed connection acquisition is, by walking its cause
 * and next-exception chain: HikariCP's timeout carries the real failure as its cause,
 * pgjdbc its I/O failure.
 *
 * @author PoolGuard
 */
final class AcquisitionFailureClassifier {

	private static final Set<String> TRANSIENT_STATES = Set.of("08001", "08003", "08006", "08007", "53300", "57P01",
			"57P02", "57P03");

	/** The server is not there (or is shutting down, or starting up), not merely full. */
	private static final Set<String> UNREACHABLE_STATES = Set.of("08001", "08006", "57P01", "57P02", "57P03");

	private static final Set<String> PERMANENT_STATES = Set.of("28P01", "28000", "08004", "3D000", "55000");

	private static final int MAX_DEPTH = 32;

	private AcquisitionFailureClassifier() {
	}

	static FailureKind classify(Throwable failure) {
		if (failure instanceof PoolSaturatedException) {
			return FailureKind.SATURATED;
		}
		if (failure instanceof DatabaseUnavailableException) {
			return FailureKind.TRANSIENT;
		}
		if (failure instanceof AcquisitionGuard.DatabaseRefusingException) {
			return FailureKind.TRANSIENT;
		}
		if (Thread.currentThread().isInterrupted()) {
			// HikariCP and pgjdbc restore the interrupt before they fail: whatever the
			// failure says, it was the caller that gave up.
			return FailureKind.INTERRUPTED;
		}
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		FailureKind kind = walk(failure, seen, 0);
		if (kind != null) {
			return kind;
		}
		return isPoolTimeoutWithoutCause(failure) ? FailureKind.SATURATED : FailureKind.OTHER;
	}

	private static FailureKind walk(Throwable failure, Set<Throwable> seen, int depth) {
		if (failure == null || depth > MAX_DEPTH || !seen.add(failure)) {
			return null;
		}
		FailureKind kind = kindOf(failure);
		if (kind != null) {
			return kind;
		}
		if (failure instanceof SQLException sqlException) {
			kind = walk(sqlException.getNextException(), seen, depth + 1);
			if (kind != null) {
				return kind;
			}
		}
		return walk(failure.getCause(), seen, depth + 1);
	}

	private static FailureKind kindOf(Throwable failure) {
		if (failure instanceof InterruptedException || failure instanceof ClosedByInterruptException) {
			return FailureKind.INTERRUPTED;
		}
		if (failure instanceof SQLException sqlException && sqlException.getSQLState() != null) {
			String state = sqlException.getSQLState();
			if (PERMANENT_STATES.contains(state) || state.startsWith("42")) {
				return FailureKind.PERMANENT;
			}
			if (TRANSIENT_STATES.contains(state)) {
				return FailureKind.TRANSIENT;
			}
		}
		if (failure instanceof ConnectException || failure instanceof SocketTimeoutException
				|| failure instanceof NoRouteToHostException || failure instanceof UnknownHostException
				|| failure instanceof EOFException || failure instanceof SocketException) {
			return FailureKind.TRANSIENT;
		}
		return null;
	}

	/**
	 * Whether a failure says something about the database: what the circuit breaker
	 * records. Saturation, interrupts and unclassified failures do not.
	 * @param failure a failed attempt
	 * @return whether it is a database failure
	 */
	static boolean isDatabaseFailure(Throwable failure) {
		return classify(failure).isDatabaseFailure();
	}

	/**
	 * Whether another attempt may succeed: the database is restarting, full or
	 * unreachable for now, the pool is not already known to have nothing to give, and the
	 * attempt did not already wait the pool's whole timeout.
	 * @param failure a failed attempt
	 * @return whether it is worth retrying
	 */
	static boolean isWorthRetrying(Throwable failure) {
		// The pool's own timeout has waited pool-timeout already: another wait as long
		// would only hold the caller.
		return !(failure instanceof AcquisitionGuard.DatabaseRefusingException) && !HikariBehaviour.isPoolTimeout(failure)
				&& classify(failure) == FailureKind.TRANSIENT;
	}

	/**
	 * Whether a failure to connect says the server cannot be reached at all: refused,
	 * timed out, shutting down or starting up. A full server ({@code 53300}) is
	 * reachable: a slot may free any moment.
	 */
	static boolean isUnreachable(SQLException failure) {
		String state = failure.getSQLState();
		return state != null && UNREACHABLE_STATES.contains(state);
	}

	/**
	 * HikariCP's timeout with no connection failure behind it: the pool is healthy, and
	 * no connection came free in time.
	 */
	private static boolean isPoolTimeoutWithoutCause(Throwable failure) {
		return failure instanceof SQLTransientConnectionException && failure.getCause() == null
				&& HikariBehaviour.isPoolTimeout(failure);
	}

	/**
	 * The PostgreSQL error behind a failure, as a person would want to read it.
	 */
	static String describe(Throwable failure) {
		Throwable deepest = failure;
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			if (current instanceof SQLException sqlException && sqlException.getSQLState() != null
					&& !(current instanceof SQLTransientConnectionException && current.getCause() != null)) {
				return current.getMessage() + " (SQLState " + sqlException.getSQLState() + ")";
			}
			deepest = current;
		}
		return deepest.getClass().getSimpleName() + ": " + deepest.getMessage();
	}

}
