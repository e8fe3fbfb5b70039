package dev.poolguard.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown at startup when PoolGuard's configuration cannot give a working pool: a value
 * out of range, or one setting given two different values. Every problem found is
 * reported at once, so that one restart fixes them all.
 *
 * @author PoolGuard
 */
public final class PoolGuardConfigurationException extends RuntimeException {

	private final List<Problem> problems;

	public PoolGuardConfigurationException(List<Problem> problems) {
		super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ", "Invalid PoolGuard configuration: ", "")));
		this.problems = List.copyOf(problems);
	}

	public List<Problem> getProblems() {
		return this.problems;
	}

	/**
	 * One thing wrong with the configuration.
	 *
	 * @param property the property to change, such as {@code poolguard.pool-timeout}
	 * @param value the value it has, as written (never a secret: see
	 * {@link PoolGuardSanitizer})
	 * @param reason why the value cannot work
	 * @param fix what to do about it
	 */
	public record Problem(String property, String value, String reason, String fix) {

		@Override
		public String toString() {
			return this.property + "=" + this.value + ": " + this.reason;
		}

	}

}
