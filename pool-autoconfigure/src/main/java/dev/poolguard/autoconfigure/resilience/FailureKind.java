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

	/** Anything else: not retried, but counted against the database. */
	OTHER;

	boolean isDatabaseFailure() {
		return this != SATURATED;
	}

}
