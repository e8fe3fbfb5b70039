package dev.poolguard.test;

/**
 * A server this kit starts itself, embedded or in a container: it knows the superuser's
 * credentials, builds its URLs from its host and port, and can be stopped and started.
 */
abstract class StartedPostgresServer extends AbstractPostgresServer {

	static final String USERNAME = "postgres";

	static final String PASSWORD = "postgres";

	StartedPostgresServer(boolean shared) {
		super(shared);
	}

	@Override
	public String jdbcUrl(String database) {
		return JdbcUrls.build(host(), port(), database);
	}

	@Override
	public String username() {
		return USERNAME;
	}

	@Override
	public String password() {
		return PASSWORD;
	}

	@Override
	public boolean canControlLifecycle() {
		return true;
	}

}
