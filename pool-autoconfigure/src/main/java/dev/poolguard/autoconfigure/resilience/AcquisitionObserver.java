package dev.poolguard.autoconfigure.resilience;

/**
 * Told how each connection acquisition ended, for metrics. Called on the acquiring
 * thread: implementations must be quick and must not throw.
 *
 * @author PoolGuard
 */
public interface AcquisitionObserver {

	/** An observer that observes nothing. */
	AcquisitionObserver NONE = new AcquisitionObserver() {
	};

	/**
	 * Whether the observer wants acquisition times; when none does, PoolGuard does not
	 * read the clock.
	 * @return whether {@code nanos} arguments are needed
	 */
	default boolean isTiming() {
		return false;
	}

	/**
	 * An acquisition ended.
	 * @param outcome how it ended
	 * @param nanos how long it took, or 0 when not {@link #isTiming() timing}
	 */
	default void acquired(Outcome outcome, long nanos) {
	}

	/**
	 * An acquisition was refused without waiting for the pool, or released from waiting
	 * because no connection could come.
	 * @param reason why
	 */
	default void rejected(Rejection reason) {
	}

	/**
	 * A failed attempt is retried.
	 */
	default void retried() {
	}

	/**
	 * How an acquisition ended.
	 */
	enum Outcome {

		/** With a connection. */
		SUCCESS,

		/** With {@link PoolSaturatedException}: the database is fine, the pool busy. */
		SATURATED,

		/** With {@link DatabaseUnavailableException}. */
		UNAVAILABLE,

		/** With a failure retrying cannot fix, such as wrong credentials. */
		REFUSED,

		/** With any other failure. */
		ERROR;

		/**
		 * The tag value.
		 * @return the lower-case name
		 */
		public String tag() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/**
	 * Why an acquisition was refused without waiting.
	 */
	enum Rejection {

		/** {@code poolguard.max-waiting} callers were already waiting. */
		MAX_WAITING,

		/**
		 * So many callers were already waiting that this one could not expect a
		 * connection within {@code poolguard.pool-timeout}, at the rate the pool hands
		 * them out.
		 */
		EXPECTED_WAIT,

		/** The circuit breaker is open. */
		CIRCUIT_OPEN,

		/** The pool is empty and the database refused its last connection. */
		DATABASE_REFUSING,

		/**
		 * The database cannot be reached: callers fail at once, and those already waiting
		 * for a connection are released.
		 */
		DATABASE_UNREACHABLE;

		/**
		 * The tag value.
		 * @return the lower-case name, with underscores
		 */
		public String tag() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
