package dev.poolguard.test;

/**
 * A login role created by {@link PostgresServer#createRole(String, String, int)}.
 *
 * @param name     the role name, as created (case-sensitive)
 * @param password its password
 */
public record Role(String name, String password) {

	@Override
	public String toString() {
		// Records print every component; a test log must not show the password.
		return "Role[name=" + name + "]";
	}
}
