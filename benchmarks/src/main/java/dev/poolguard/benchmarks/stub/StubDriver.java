package dev.poolguard.benchmarks.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver with no database behind it, like HikariCP's own benchmark's: network round
 * trips and server work would drown the nanoseconds a pool spends per cycle. It registers
 * itself with {@code DriverManager} (found through {@code META-INF/services/java.sql.Driver}).
 *
 * @author PoolGuard
 */
public final class StubDriver implements Driver {

	/** The JDBC URL prefix this driver accepts. */
	public static final String URL_PREFIX = "jdbc:poolguard-stub:";

	static {
		try {
			DriverManager.registerDriver(new StubDriver());
		}
		catch (SQLException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	@Override
	public Connection connect(String url, Properties info) {
		return acceptsURL(url) ? new StubConnection() : null;
	}

	@Override
	public boolean acceptsURL(String url) {
		return url != null && url.startsWith(URL_PREFIX);
	}

	@Override
	public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
		return new DriverPropertyInfo[0];
	}

	@Override
	public int getMajorVersion() {
		return 1;
	}

	@Override
	public int getMinorVersion() {
		return 0;
	}

	@Override
	public boolean jdbcCompliant() {
		return false;
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException("The stub driver does not log");
	}

}
