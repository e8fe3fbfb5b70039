package dev.poolguard.autoconfigure.web;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import dev.poolguard.autoconfigure.resilience.PoolGuardAcquisitionException;

import org.springframework.transaction.TransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Finds, in a failed request's exception, the reason it deserves a 503: PoolGuard refused
 * a connection, or the connection a statement was running on was lost. Every layer that
 * can wrap them is looked through: the cause chain, JDBC's next-exception chain, and the
 * application exception a {@link TransactionSystemException} keeps when the rollback after
 * it failed too ({@code JDBC rollback failed}).
 *
 * <p>
 * A lost connection is told by its SQLState, never by a message: class {@code 08}
 * (connection exception: pgjdbc's I/O errors and closed connections, HikariCP's closed
 * proxies), {@code 57P01} to {@code 57P03} (the server is shutting down, crashed or
 * starting: {@code pg_terminate_backend}, a restart) and {@code 57P05} (the server closed
 * an idle session), {@code 25006} (a write met a read-only server: the endpoint reaches a
 * standby until a primary is reached; PoolGuard evicts such connections), or Hibernate's {@code JDBCConnectionException}, whose SQLState its
 * dialect already judged to be a connection failure; and HikariCP's closed connection met
 * by a failed rollback or commit (see {@link #isClosedByThePool}). An application error
 * ({@code 23505}, {@code 42P01}, ...) is none of these, and is left alone.
 *
 * @author PoolGuard
 */
final class ConnectionFailures {

	private static final Set<String> SERVER_GONE_STATES = Set.of("57P01", "57P02", "57P03", "57P05");

	private static final String READ_ONLY_SERVER = "25006";

	private static final String HIBERNATE_CONNECTION_EXCEPTION = "org.hibernate.exception.JDBCConnectionException";

	private static final String HIBERNATE_TRANSACTION_EXCEPTION = "org.hibernate.TransactionException";

	private static final String HIKARI_CLOSED = "Connection is closed";

	private static final int MAX_EXCEPTIONS = 64;

	private ConnectionFailures() {
	}

	/**
	 * The reason a failed request deserves a 503, or {@code null} when it does not.
	 * @param exception what the request failed with
	 * @return the PoolGuard refusal or the lost connection inside it, or {@code null}
	 */
	static Throwable find(Throwable exception) {
		List<Throwable> chain = chain(exception);
		boolean transactionFailed = chain.stream().anyMatch(ConnectionFailures::isTransactionFailure);
		Throwable lost = null;
		for (Throwable candidate : chain) {
			if (candidate instanceof PoolGuardAcquisitionException) {
				return candidate;
			}
			if (lost == null && (isLostConnection(candidate) || (transactionFailed && isClosedByThePool(candidate)))) {
				lost = candidate;
			}
		}
		return lost;
	}

	/**
	 * HikariCP's answer on a connection it closed: {@code SQLException: Connection is
	 * closed}, with no SQLState. HikariCP closes a connection that failed with a
	 * connection-level error, so when a transaction's rollback or commit meets it (and
	 * the transaction manager throws that failure instead of the statement's), the
	 * connection was lost: an application never closes its transaction's connection
	 * itself.
	 */
	private static boolean isClosedByThePool(Throwable exception) {
		return exception instanceof SQLException sqlException && sqlException.getSQLState() == null
				&& HIKARI_CLOSED.equals(sqlException.getMessage());
	}

	private static boolean isTransactionFailure(Throwable exception) {
		return exception instanceof TransactionException
				|| HIBERNATE_TRANSACTION_EXCEPTION.equals(exception.getClass().getName());
	}

	static boolean isLostConnection(Throwable exception) {
		if (exception instanceof SQLException sqlException && sqlException.getSQLState() != null) {
			String state = sqlException.getSQLState();
			return state.startsWith("08") || SERVER_GONE_STATES.contains(state) || READ_ONLY_SERVER.equals(state);
		}
		return HIBERNATE_CONNECTION_EXCEPTION.equals(exception.getClass().getName());
	}

	/**
	 * Every exception reachable from the given one, nearest first, each once.
	 */
	private static List<Throwable> chain(Throwable exception) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		List<Throwable> chain = new ArrayList<>();
		Deque<Throwable> pending = new ArrayDeque<>();
		pending.add(exception);
		while (!pending.isEmpty() && chain.size() < MAX_EXCEPTIONS) {
			Throwable current = pending.poll();
			if (!seen.add(current)) {
				continue;
			}
			chain.add(current);
			if (current.getCause() != null) {
				pending.add(current.getCause());
			}
			if (current instanceof SQLException sqlException && sqlException.getNextException() != null) {
				pending.add(sqlException.getNextException());
			}
			if (current instanceof TransactionSystemException transaction
					&& transaction.getApplicationException() != null) {
				pending.add(transaction.getApplicationException());
			}
		}
		return chain;
	}

}
