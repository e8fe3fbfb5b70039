package dev.poolguard.autoconfigure.budget;

/**
 * The connection limits of a PostgreSQL server as the application's role sees them, and
 * the connections open on it when they were read. Limits PostgreSQL writes as {@code -1}
 * (no limit) are kept as {@code -1}.
 *
 * @param serverVersion the server's version, such as {@code 18.1}
 * @param maxConnections {@code max_connections}
 * @param superuserReservedConnections {@code superuser_reserved_connections}
 * @param reservedConnections {@code reserved_connections} (PostgreSQL 16+, slots kept
 * for roles with {@code pg_use_reserved_connections}), or {@code null} before 16
 * @param role the role the application logs in as
 * @param superuser whether that role is a superuser; PostgreSQL applies neither the
 * role's nor the database's connection limit to a superuser
 * @param roleConnectionLimit the role's {@code CONNECTION LIMIT} ({@code rolconnlimit}),
 * {@code -1} for none
 * @param database the database the application connects to
 * @param databaseConnectionLimit the database's {@code CONNECTION LIMIT}
 * ({@code datconnlimit}), {@code -1} for none
 * @param applicationConnections client connections open on the server with this
 * application's {@code application_name}: this instance and the others
 * @param otherClientConnections client connections open on the server with another
 * {@code application_name}
 * @author PoolGuard
 */
public record ServerLimits(String serverVersion, int maxConnections, int superuserReservedConnections,
		Integer reservedConnections, String role, boolean superuser, int roleConnectionLimit, String database,
		int databaseConnectionLimit, int applicationConnections, int otherClientConnections) {

	/**
	 * The connections ordinary roles may open:
	 * {@code max_connections - superuser_reserved_connections - reserved_connections}.
	 * @return the server's connections for ordinary roles
	 */
	public int serverConnections() {
		return this.maxConnections - this.superuserReservedConnections
				- ((this.reservedConnections != null) ? this.reservedConnections : 0);
	}

	/**
	 * Whether the role's {@code CONNECTION LIMIT} applies to the application.
	 * @return whether it is set and the role is not a superuser
	 */
	public boolean roleLimitApplies() {
		return this.roleConnectionLimit >= 0 && !this.superuser;
	}

	/**
	 * Whether the database's {@code CONNECTION LIMIT} applies to the application.
	 * @return whether it is set and the role is not a superuser
	 */
	public boolean databaseLimitApplies() {
		return this.databaseConnectionLimit >= 0 && !this.superuser;
	}

}
