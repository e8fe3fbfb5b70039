package dev.poolguard.autoconfigure.pool;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.poolguard.autoconfigure.PoolGuardProperties.PoolerMode;

/**
 * What stands between a pool and PostgreSQL: nothing, or a connection pooler (PgBouncer,
 * RDS Proxy...) and how it pools, as declared ({@code poolguard.pooler.mode}) or found
 * out from a side connection before the pool started.
 *
 * @author PoolGuard
 */
public final class Pooler {

	private final PoolerMode mode;

	private final boolean present;

	private final String source;

	private final String evidence;

	private final boolean preparedStatements;

	Pooler(PoolerMode mode, boolean present, String source, String evidence, boolean preparedStatements) {
		this.mode = mode;
		this.present = present;
		this.source = source;
		this.evidence = evidence;
		this.preparedStatements = preparedStatements;
	}

	static Pooler declared(PoolerMode mode, boolean preparedStatements) {
		return new Pooler(mode, mode != PoolerMode.NONE, "declared", "poolguard.pooler.mode=" + name(mode),
				preparedStatements);
	}

	static Pooler detected(PoolerMode mode, boolean present, String evidence, boolean preparedStatements) {
		return new Pooler(mode, present, "detected", evidence, preparedStatements);
	}

	static Pooler unknown(String why, boolean preparedStatements) {
		return new Pooler(PoolerMode.AUTO, false, "not detected", why, preparedStatements);
	}

	/**
	 * How the pooler pools: {@code NONE} without one, {@code AUTO} when PoolGuard could
	 * not find out.
	 * @return the mode
	 */
	public PoolerMode mode() {
		return this.mode;
	}

	/**
	 * Whether a pooler is known to be in front of the server.
	 * @return whether one is
	 */
	public boolean isPresent() {
		return this.present;
	}

	/**
	 * Whether it is known: declared, or detected.
	 * @return whether PoolGuard knows
	 */
	public boolean isKnown() {
		return this.mode != PoolerMode.AUTO;
	}

	/**
	 * Whether a statement prepared on the server on one transaction may be gone on the
	 * next: transaction or statement pooling by a pooler that does not keep prepared
	 * statements across its server connections.
	 * @return whether server-side prepared statements are unsafe
	 */
	public boolean losesPreparedStatements() {
		return this.present && this.mode != PoolerMode.SESSION && !this.preparedStatements;
	}

	/**
	 * One line for logs and messages, e.g. {@code transaction pooler (detected: ...)}.
	 * @return the description
	 */
	public String describe() {
		String what = switch (this.mode) {
			case AUTO -> this.present ? "pooler of unknown mode" : "unknown";
			case NONE -> "none";
			default -> (this.present ? name(this.mode) : "unknown") + " pooling";
		};
		return what + " (" + this.source + ": " + this.evidence + ")";
	}

	/**
	 * What the endpoint and health component show.
	 * @return the details
	 */
	public Map<String, Object> toMap() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("present", this.present);
		details.put("mode", (this.mode == PoolerMode.AUTO) ? "unknown" : name(this.mode));
		details.put("source", this.source);
		details.put("evidence", this.evidence);
		if (this.present) {
			details.put("serverPreparedStatements", !losesPreparedStatements());
		}
		return details;
	}

	private static String name(PoolerMode mode) {
		return mode.name().toLowerCase(java.util.Locale.ROOT);
	}

	@Override
	public String toString() {
		return describe();
	}

}
