package dev.poolguard.autoconfigure.compat;

/**
 * PoolGuard found a Spring Boot version it does not support.
 *
 * @author PoolGuard
 */
public class UnsupportedSpringBootVersionException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String found;

	private final String required;

	UnsupportedSpringBootVersionException(String found, String required) {
		super("PoolGuard requires Spring Boot " + required + " or later, but this application runs on Spring Boot "
				+ found + ".");
		this.found = found;
		this.required = required;
	}

	/**
	 * The Spring Boot version found on the classpath.
	 * @return the version, or a description of the line when the jar carries none
	 */
	public String getFound() {
		return this.found;
	}

	/**
	 * The oldest Spring Boot version PoolGuard supports.
	 * @return the version
	 */
	public String getRequired() {
		return this.required;
	}

}
