package dev.poolguard.autoconfigure.resilience;

/**
 * What a failure to get a connection says about the database.
 *
 * @author PoolGuard
 */
enum FailureKind {

	/** The database is restarting, full, or unreachable for now: worth retrying. */
	TRANSIENT,

	/** Waiting cannot help (bad credentials, missing database): fail at once. */
	PERMANENT,

	/** The database is fine; every connection is busy. Never a breaker failure. */
	SATURATED,

	/**
	 * The caller was interrupted (a cancelled request, a shutdown): says nothing about the
	 * database.
	 */
	INTERRUPTED,

	/**
	 * Anything else (a driver's runtime failure, an unknown SQLState): passed on as it
	 * is, neither retried nor counted against the database.
	 */
	OTHER;

	/**
	 * Whether the failure says something about the database, so that the circuit breaker
	 * records it.
	 */
	boolean isDatabaseFailure() {
		return this == TRANSIENT || this == PERMANENT;
	}

}
