package dev.poolguard.benchmarks.stub;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A connection to nothing, for {@link StubDriver}: it keeps the little state HikariCP sets
 * and reads, answers {@link #isValid} at once, and throws
 * {@link SQLFeatureNotSupportedException} for anything that needs a database. A plain class,
 * not a {@code java.lang.reflect.Proxy}, so that the JIT inlines it as it would a real driver.
 *
 * @author PoolGuard
 */
final class StubConnection implements Connection {

	private boolean autoCommit = true;

	private boolean readOnly;

	private int transactionIsolation = TRANSACTION_READ_COMMITTED;

	private int networkTimeout;

	private String catalog;

	private String schema;

	private boolean closed;

	private static SQLFeatureNotSupportedException noDatabase() {
		return new SQLFeatureNotSupportedException("The stub driver has no database");
	}

	@Override
	public boolean isValid(int timeout) {
		return !this.closed;
	}

	@Override
	public void close() {
		this.closed = true;
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public void abort(Executor executor) {
		this.closed = true;
	}

	@Override
	public boolean getAutoCommit() {
		return this.autoCommit;
	}

	@Override
	public void setAutoCommit(boolean autoCommit) {
		this.autoCommit = autoCommit;
	}

	@Override
	public boolean isReadOnly() {
		return this.readOnly;
	}

	@Override
	public void setReadOnly(boolean readOnly) {
		this.readOnly = readOnly;
	}

	@Override
	public int getTransactionIsolation() {
		return this.transactionIsolation;
	}

	@Override
	public void setTransactionIsolation(int level) {
		this.transactionIsolation = level;
	}

	@Override
	public int getNetworkTimeout() {
		return this.networkTimeout;
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) {
		this.networkTimeout = milliseconds;
	}

	@Override
	public String getCatalog() {
		return this.catalog;
	}

	@Override
	public void setCatalog(String catalog) {
		this.catalog = catalog;
	}

	@Override
	public String getSchema() {
		return this.schema;
	}

	@Override
	public void setSchema(String schema) {
		this.schema = schema;
	}

	@Override
	public void commit() {
	}

	@Override
	public void rollback() {
	}

	@Override
	public void rollback(Savepoint savepoint) {
	}

	@Override
	public SQLWarning getWarnings() {
		return null;
	}

	@Override
	public void clearWarnings() {
	}

	@Override
	public int getHoldability() {
		return ResultSet.CLOSE_CURSORS_AT_COMMIT;
	}

	@Override
	public void setHoldability(int holdability) {
	}

	@Override
	public Map<String, Class<?>> getTypeMap() {
		return Map.of();
	}

	@Override
	public void setTypeMap(Map<String, Class<?>> map) {
	}

	@Override
	public void setClientInfo(String name, String value) throws SQLClientInfoException {
	}

	@Override
	public void setClientInfo(Properties properties) throws SQLClientInfoException {
	}

	@Override
	public String getClientInfo(String name) {
		return null;
	}

	@Override
	public Properties getClientInfo() {
		return new Properties();
	}

	@Override
	public String nativeSQL(String sql) {
		return sql;
	}

	@Override
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return iface.cast(this);
		}
		throw new SQLException("Not a wrapper for " + iface.getName());
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) {
		return iface.isInstance(this);
	}

	@Override
	public DatabaseMetaData getMetaData() throws SQLException {
		throw noDatabase();
	}

	@Override
	public Statement createStatement() throws SQLException {
		throw noDatabase();
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
		throw noDatabase();
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
			throws SQLException {
		throw noDatabase();
	}

	@Override
	public PreparedStatement prepareStatement(String sql) throws SQLException {
		throw noDatabase();
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
			throws SQLException {
		throw noDatabase();
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		throw noDatabase();
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
		throw noDatabase();
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
		throw noDatabase();
	}

	@Override
	public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
		throw noDatabase();
	}

	@Override
	public CallableStatement prepareCall(String sql) throws SQLException {
		throw noDatabase();
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
			throws SQLException {
		throw noDatabase();
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		throw noDatabase();
	}

	@Override
	public Savepoint setSavepoint() throws SQLException {
		throw noDatabase();
	}

	@Override
	public Savepoint setSavepoint(String name) throws SQLException {
		throw noDatabase();
	}

	@Override
	public void releaseSavepoint(Savepoint savepoint) throws SQLException {
		throw noDatabase();
	}

	@Override
	public Clob createClob() throws SQLException {
		throw noDatabase();
	}

	@Override
	public Blob createBlob() throws SQLException {
		throw noDatabase();
	}

	@Override
	public NClob createNClob() throws SQLException {
		throw noDatabase();
	}

	@Override
	public SQLXML createSQLXML() throws SQLException {
		throw noDatabase();
	}

	@Override
	public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
		throw noDatabase();
	}

	@Override
	public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
		throw noDatabase();
	}

}
