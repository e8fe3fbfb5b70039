package dev.poolguard.autoconfigure.pool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import dev.poolguard.autoconfigure.PoolGuardProperties;
import dev.poolguard.autoconfigure.PoolGuardProperties.PoolerMode;

/**
 * Finds out, over side connections and before the pool opens one, whether a pooler is in
 * front of the server and how it pools.
 *
 * <ul>
 * <li><b>A pooler is there</b> when the backend the server reports
 * ({@code pg_backend_pid()}) is not the one the login announced (the backend key data
 * pgjdbc keeps, pgjdbc's {@code PGConnection.getBackendPID()}): PostgreSQL announces its own
 * process, a pooler such as PgBouncer announces a key of its own.
 * <li><b>It pools transactions</b> when two clients share a backend: a second client's
 * transaction runs on the backend the first client just used, or the first client's next
 * statement runs on another backend while the second holds a transaction open. A session
 * pooler gives each client its own backend for its whole life. A statement pooler refuses
 * the second client's transaction.
 * </ul>
 * Everything it runs is a plain {@code SELECT}, in autocommit or rolled back: nothing is
 * left on a shared server connection.
 *
 * @author PoolGuard
 */
final class PoolerDetection {

	private static final int ROUNDS = 3;

	private PoolerDetection() {
	}

	static Pooler of(PoolGuardProperties.Pooler configured, SideConnections connections) {
		boolean preparedStatements = configured.isPreparedStatements();
		if (configured.getMode() != PoolerMode.AUTO) {
			return Pooler.declared(configured.getMode(), preparedStatements);
		}
		try (Connection first = connections.open()) {
			int announced = announcedBackendPid(first);
			int backend = backendPid(first);
			if (announced == backend) {
				return Pooler.detected(PoolerMode.NONE, false,
						"the server's backend " + backend + " is the one the login announced", preparedStatements);
			}
			String pooler = "the login announced backend " + announced + ", the server runs it on " + backend;
			Finding finding = mode(first, backend, connections);
			return Pooler.detected(finding.mode(), true, pooler + "; " + finding.evidence(), preparedStatements);
		}
		catch (SQLException | RuntimeException ex) {
			return Pooler.unknown("the server could not be asked (" + ex.getMessage()
					+ "); declare poolguard.pooler.mode if a pooler is in front", preparedStatements);
		}
	}

	private static Finding mode(Connection first, int firstBackend, SideConnections connections) {
		try (Connection second = connections.open()) {
			second.setAutoCommit(false);
			for (int round = 0; round < ROUNDS; round++) {
				// The first client's statement comes last before the second's transaction:
				// its backend is the one a pooler hands out next.
				int previous = backendPid(first);
				if (previous != firstBackend) {
					return new Finding(PoolerMode.TRANSACTION,
							"a client moved from backend " + firstBackend + " to " + previous + " between statements");
				}
				int secondBackend;
				try {
					secondBackend = backendPid(second);
				}
				catch (SQLException ex) {
					if (String.valueOf(ex.getMessage()).toLowerCase(Locale.ROOT).contains("statement pooling")) {
						return new Finding(PoolerMode.STATEMENT, "a transaction was refused: " + ex.getMessage());
					}
					throw ex;
				}
				if (secondBackend == previous) {
					return new Finding(PoolerMode.TRANSACTION, "a second client's transaction ran on backend "
							+ secondBackend + ", which the first client had just used");
				}
				int firstAgain;
				try {
					firstAgain = backendPid(first);
				}
				catch (SQLException ex) {
					return new Finding(PoolerMode.TRANSACTION,
							"the first client could not run a statement while a second client held a transaction ("
									+ ex.getMessage() + ")");
				}
				if (firstAgain != previous) {
					return new Finding(PoolerMode.TRANSACTION, "the first client moved from backend " + previous
							+ " to " + firstAgain + " while a second client held a transaction");
				}
				second.rollback();
			}
			return new Finding(PoolerMode.SESSION,
					"each client kept its own backend across " + ROUNDS + " transactions of another client");
		}
		catch (SQLException | RuntimeException ex) {
			return new Finding(PoolerMode.AUTO, "its mode could not be told (" + ex.getMessage()
					+ "), so it is treated as a transaction pooler; declare poolguard.pooler.mode");
		}
	}

	/**
	 * The backend the login announced (pgjdbc's {@code PGConnection.getBackendPID()}),
	 * through reflection: pgjdbc is the application's dependency, not PoolGuard's.
	 */
	private static int announcedBackendPid(Connection connection) throws SQLException {
		try {
			Class<?> api = Class.forName("org.postgresql.PGConnection", false, connection.getClass().getClassLoader());
			return (Integer) api.getMethod("getBackendPID").invoke(connection.unwrap(api));
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("not a pgjdbc connection: " + ex, ex);
		}
	}

	private static int backendPid(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
			result.next();
			return result.getInt(1);
		}
	}

	private record Finding(PoolerMode mode, String evidence) {
	}

}
