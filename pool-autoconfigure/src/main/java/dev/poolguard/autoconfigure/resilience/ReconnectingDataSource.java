package dev.poolguard.autoconfigure.resilience;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.util.DriverDataSource;
import dev.poolguard.autoconfigure.pool.SideConnections;

/**
 * Opens the pool's physical connections, as HikariCP would with its own
 * {@link DriverDataSource}, and watches whether the server can be reached.
 *
 * <p>
 * During an outage HikariCP doubles the pause between two connection attempts up to 5
 * seconds, so a database that is back can wait that long before the pool notices. When
 * the server is unreachable, this data source keeps HikariCP's connection-adder thread
 * and probes again every {@value #MAX_PAUSE_MILLIS} ms at most, so the pool refills as
 * soon as the server accepts connections. Only an unreachable server is probed that way:
 * bad credentials or a full server fail at once, as they would without PoolGuard.
 *
 * <p>
 * It also remembers why the last attempt failed, so that a caller facing an empty pool
 * can be told at once instead of after {@code poolguard.pool-timeout}, and it tells a
 * {@link Reachability} when it starts and stops waiting for an unreachable server.
 *
 * @author PoolGuard
 */
final class ReconnectingDataSource implements DataSource {

	static final long MAX_PAUSE_MILLIS = 50;

	private static final long FIRST_PAUSE_MILLIS = 10;

	/** At most one reachability check from outside the pool this often. */
	private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

	private final DataSource driver;

	private static final String TOO_MANY_CONNECTIONS = "53300";

	private volatile SQLException lastFailure;

	private volatile SQLException unreachableWhileProbing;

	private volatile Reachability reachability = Reachability.IGNORED;

	private volatile boolean closed;

	/** The physical connections this data source opened, to abort them when stuck. */
	private final Set<Connection> opened = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	private final AtomicBoolean checking = new AtomicBoolean();

	private volatile long lastCheck = System.nanoTime() - CHECK_INTERVAL_NANOS;

	private volatile SideConnections sideConnections;

	private volatile SQLException unreachableFromOutside;

	ReconnectingDataSource(HikariConfig configuration) {
		this.driver = new DriverDataSource(configuration.getJdbcUrl(), configuration.getDriverClassName(),
				copy(configuration.getDataSourceProperties()), configuration.getUsername(),
				configuration.getPassword());
	}

	@Override
	public Connection getConnection() throws SQLException {
		return open(null, null, false);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return open(username, password, true);
	}

	private Connection open(String username, String password, boolean withCredentials) throws SQLException {
		boolean adder = HikariBehaviour.onConnectionAdder();
		long pause = FIRST_PAUSE_MILLIS;
		boolean probing = false;
		try {
			while (true) {
				try {
					Connection connection = withCredentials ? this.driver.getConnection(username, password)
							: this.driver.getConnection();
					this.lastFailure = null;
					this.opened.add(connection);
					return connection;
				}
				catch (SQLException ex) {
					this.lastFailure = ex;
					if (!adder || !AcquisitionFailureClassifier.isUnreachable(ex) || this.closed) {
						throw ex;
					}
					if (!probing) {
						probing = true;
						this.unreachableWhileProbing = ex;
						this.reachability.unreachable(ex);
					}
					else {
						this.reachability.stillUnreachable();
					}
				}
				if (!pause(pause)) {
					throw new SQLException("Interrupted while waiting for the database to come back");
				}
				pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
			}
		}
		finally {
			if (probing) {
				this.unreachableWhileProbing = null;
				if (!this.closed) {
					this.reachability.reachable();
				}
			}
		}
	}

	/**
	 * Opens and closes one connection on the calling thread.
	 * @param username the user
	 * @param password the password
	 * @throws SQLException why the server refuses the connection
	 */
	void probe(String username, String password) throws SQLException {
		open(username, password, username != null).close();
	}

	/**
	 * Why the last attempt to connect failed, when waiting for another attempt is
	 * pointless; {@code null} when it succeeded, or failed only because the server was
	 * full ({@code 53300}), which a closing connection elsewhere can end any moment.
	 */
	SQLException failingBecause() {
		SQLException failure = this.lastFailure;
		return (failure != null && !TOO_MANY_CONNECTIONS.equals(failure.getSQLState())) ? failure : null;
	}

	/**
	 * Why the server could not be reached at the last attempt to connect, or
	 * {@code null} when it could.
	 */
	SQLException unreachableBecause() {
		SQLException failure = this.lastFailure;
		return (failure != null && AcquisitionFailureClassifier.isUnreachable(failure)) ? failure : null;
	}

	/**
	 * Why the server cannot be reached, while the pool's connection adder keeps probing
	 * it; {@code null} otherwise. No connection can come free meanwhile: a waiting caller
	 * would only wait.
	 */
	SQLException probingBecause() {
		SQLException probing = this.unreachableWhileProbing;
		return (probing != null) ? probing : this.unreachableFromOutside;
	}

	/**
	 * Where to open a connection of PoolGuard's own to tell a busy pool from a server that
	 * stopped answering.
	 * @param sideConnections PoolGuard's side connections to the pool's server
	 */
	void checkReachabilityWith(SideConnections sideConnections) {
		this.sideConnections = sideConnections;
	}

	/**
	 * Checks, on a thread of its own, whether the server still answers, when the pool's
	 * connections did not come back in time: a frozen server (or a middlebox that drops
	 * everything) resets nothing, so the pool would wait out every timeout. When it does
	 * not answer, the connections stuck on it are aborted, the {@link Reachability} is
	 * told, and the server is probed again until it answers.
	 */
	void checkReachability() {
		SideConnections side = this.sideConnections;
		long now = System.nanoTime();
		if (side == null || this.closed || now - this.lastCheck < CHECK_INTERVAL_NANOS
				|| !this.checking.compareAndSet(false, true)) {
			return;
		}
		this.lastCheck = now;
		Thread check = new Thread(() -> {
			try {
				checkFromOutside(side);
			}
			finally {
				this.checking.set(false);
			}
		}, "poolguard-reachability");
		check.setDaemon(true);
		check.start();
	}

	private void checkFromOutside(SideConnections side) {
		SQLException unreachable = null;
		long pause = FIRST_PAUSE_MILLIS;
		while (!this.closed) {
			try (Connection connection = side.open()) {
				break;
			}
			catch (SQLException ex) {
				if (!AcquisitionFailureClassifier.isUnreachable(ex)) {
					// It answered, if only to refuse: not a server that stopped answering.
					break;
				}
				if (unreachable == null) {
					unreachable = ex;
					this.unreachableFromOutside = ex;
					abortOpenedConnections();
					this.reachability.unreachable(ex);
				}
				else {
					this.reachability.stillUnreachable();
				}
			}
			if (!pause(pause)) {
				return;
			}
			pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
		}
		if (unreachable != null) {
			this.unreachableFromOutside = null;
			if (!this.closed) {
				this.reachability.reachable();
			}
		}
	}

	/**
	 * Waits between two probes.
	 * @return {@code false} when interrupted, with the interrupt kept
	 */
	private static boolean pause(long millis) {
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Aborts the connections the pool holds: a statement stuck on a server that does not
	 * answer fails at once instead of at the socket timeout, and the pool evicts them.
	 */
	private void abortOpenedConnections() {
		List<Connection> connections;
		synchronized (this.opened) {
			connections = new ArrayList<>(this.opened);
			this.opened.clear();
		}
		for (Connection connection : connections) {
			try {
				connection.abort(Runnable::run);
			}
			catch (SQLException | RuntimeException ex) {
				// Closed already.
			}
		}
	}

	void whenReachabilityChanges(Reachability reachability) {
		this.reachability = reachability;
	}

	void close() {
		this.closed = true;
	}

	/**
	 * Told on the pool's connection-adder thread when the server stops and starts
	 * answering again.
	 */
	interface Reachability {

		Reachability IGNORED = new Reachability() {
		};

		/**
		 * The server could not be reached; the adder probes it until it answers.
		 * @param why the failed attempt
		 */
		default void unreachable(SQLException why) {
		}

		/**
		 * Another probe failed.
		 */
		default void stillUnreachable() {
		}

		/**
		 * The server answers again, with a connection or with an error of its own.
		 */
		default void reachable() {
		}

	}

	private static Properties copy(Properties properties) {
		Properties copy = new Properties();
		copy.putAll(properties);
		return copy;
	}

	@Override
	public PrintWriter getLogWriter() throws SQLException {
		return this.driver.getLogWriter();
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		this.driver.setLogWriter(out);
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		this.driver.setLoginTimeout(seconds);
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.driver.getLoginTimeout();
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		return this.driver.getParentLogger();
	}

	@Override
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return iface.cast(this);
		}
		return this.driver.unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || this.driver.isWrapperFor(iface);
	}

}
