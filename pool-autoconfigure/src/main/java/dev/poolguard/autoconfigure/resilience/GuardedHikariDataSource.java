package dev.poolguard.autoconfigure.resilience;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import dev.poolguard.autoconfigure.pool.SideConnections;

/**
 * A {@link HikariDataSource} whose connection acquisition is guarded by PoolGuard: load
 * shedding, a circuit breaker and a retry, around {@code getConnection()} only.
 *
 * <p>
 * It is a HikariCP pool, not a wrapper around one, so that everything that expects
 * Spring Boot's {@code HikariDataSource} bean keeps working: injection by type, pool
 * metrics, JMX, pool metadata and {@code DataSourceUnwrapper}. It takes over the
 * configuration of the pool Spring Boot built (from {@code spring.datasource.*}, any
 * {@code JdbcConnectionDetails}, and PoolGuard's tuning) before that pool ever started.
 *
 * @author PoolGuard
 */
public final class GuardedHikariDataSource extends HikariDataSource {

	private final AcquisitionGuard guard;

	private final ReconnectingDataSource connector;

	private final AcquisitionResilience resilience;

	private final AcquisitionEvents events;

	/**
	 * Creates a guarded pool with the configuration of another, which must not have
	 * started.
	 * @param configured the pool whose configuration to take over
	 * @param resilience the circuit breaker, retry and load-shedding limit to guard with
	 */
	public GuardedHikariDataSource(HikariDataSource configured, AcquisitionResilience resilience) {
		this(configured, resilience, AcquisitionObserver.NONE, new AcquisitionEvents());
	}

	/**
	 * Creates a guarded pool with the configuration of another, which must not have
	 * started, that tells how acquisitions end.
	 * @param configured the pool whose configuration to take over
	 * @param resilience the circuit breaker, retry and load-shedding limit to guard with
	 * @param observer told how each acquisition ended, for metrics
	 * @param events where breaker transitions, exhausted retries and rejections go
	 */
	public GuardedHikariDataSource(HikariDataSource configured, AcquisitionResilience resilience,
			AcquisitionObserver observer, AcquisitionEvents events) {
		this(configured, resilience, observer, events, SideConnections.of(configured,
				configured.getDataSourceProperties().getProperty("ApplicationName", "poolguard")));
	}

	GuardedHikariDataSource(HikariDataSource configured, AcquisitionResilience resilience, AcquisitionObserver observer,
			AcquisitionEvents events, SideConnections sideConnections) {
		configured.copyStateTo(this);
		boolean opensItsOwnConnections = getDataSource() == null && getDataSourceClassName() == null
				&& getJdbcUrl() != null;
		this.connector = opensItsOwnConnections ? new ReconnectingDataSource(this) : null;
		if (this.connector != null) {
			setDataSource(this.connector);
			this.connector.checkReachabilityWith(sideConnections);
		}
		this.resilience = resilience;
		this.events = events;
		this.guard = new AcquisitionGuard(this, super::getConnection, this.connector, resilience, observer, events);
		setExceptionOverride(new ServerResetOverride(this, configuredExceptionOverride()));
	}

	/**
	 * The application's own {@code SQLExceptionOverride}, if it configured one, which
	 * PoolGuard's still asks.
	 */
	private SQLExceptionOverride configuredExceptionOverride() {
		if (getExceptionOverride() != null) {
			return getExceptionOverride();
		}
		String className = getExceptionOverrideClassName();
		if (className == null) {
			return null;
		}
		try {
			// An instance wins over a class name in HikariCP: PoolGuard's is the instance.
			return (SQLExceptionOverride) Class.forName(className, true, getClass().getClassLoader())
				.getDeclaredConstructor()
				.newInstance();
		}
		catch (ReflectiveOperationException | ClassCastException ex) {
			throw new IllegalArgumentException("spring.datasource.hikari.exception-override-class-name " + className
					+ " cannot be instantiated: " + ex, ex);
		}
	}

	@Override
	public Connection getConnection() throws SQLException {
		return this.guard.acquire();
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return this.guard.acquire(() -> super.getConnection(username, password));
	}

	/**
	 * The Resilience4j instances that guard this pool's acquisition.
	 * @return the instances
	 */
	public AcquisitionResilience resilience() {
		return this.resilience;
	}

	/**
	 * The last noteworthy events of this pool's acquisition.
	 * @return the events
	 */
	public AcquisitionEvents events() {
		return this.events;
	}

	/**
	 * Why the pool's last attempt to open a connection failed, if it did.
	 * @return the failure, or {@code null} when the last attempt succeeded or the server
	 * was only full
	 */
	public SQLException lastConnectionFailure() {
		return (this.connector != null) ? this.connector.failingBecause() : null;
	}

	@Override
	public void close() {
		if (this.connector != null) {
			this.connector.close();
		}
		super.close();
	}

}
