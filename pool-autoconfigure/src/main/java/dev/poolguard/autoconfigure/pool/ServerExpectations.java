package dev.poolguard.autoconfigure.pool;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import dev.poolguard.autoconfigure.PoolGuardConfigurationException.Problem;
import dev.poolguard.autoconfigure.PoolGuardProperties;

/**
 * What the pool may expect of the server it reaches, and the settings that follow: no
 * server-side prepared statements behind a pooler that loses them, and no connection to
 * a read-only server where a primary is expected.
 *
 * @author PoolGuard
 */
final class ServerExpectations {

	private static final String TARGET_SERVER_TYPE = "targetServerType";

	/** pgjdbc's values of targetServerType that accept only a primary. */
	private static final Set<String> PRIMARY_ONLY = Set.of("primary", "master");

	private static final String EXPECT_PRIMARY = PoolGuardProperties.PREFIX + ".expect-primary";

	private ServerExpectations() {
	}

	/**
	 * Turns server-side prepared statements off behind a pooler that would lose them,
	 * unless the user asked for them, which is then a {@link Problem}.
	 */
	static EffectivePoolSettings fitToPooler(Pooler pooler, EffectivePoolSettings settings, HikariDataSource pool,
			List<Problem> problems) {
		EffectiveSetting threshold = settings.get(PoolSetting.PREPARE_THRESHOLD);
		if (!pooler.losesPreparedStatements() || !(threshold.value() instanceof Integer value) || value <= 0) {
			return settings;
		}
		if (!threshold.isDefault()) {
			problems.add(new Problem(threshold.property(), threshold.displayValue(), threshold.origin()
					+ " turns server-side prepared statements on, and the server is behind " + pooler.describe()
					+ ": a statement prepared in one transaction does not exist on the server connection of the next "
					+ "(prepared statement \"S_1\" does not exist, 26000)",
					"Remove that setting or make it 0: PoolGuard then turns server-side prepared statements off "
							+ "behind this pooler. With PgBouncer 1.21+ and max_prepared_statements above 0, set "
							+ PoolGuardProperties.PREFIX + ".pooler.prepared-statements=true instead."));
			return settings;
		}
		pool.addDataSourceProperty(PoolSetting.PREPARE_THRESHOLD.driverProperty(), "0");
		return settings.with(PoolSetting.PREPARE_THRESHOLD,
				new EffectiveSetting(threshold.property(), 0, "the pooler in front: " + pooler.describe()));
	}

	/**
	 * Whether a primary is expected; when it is and nothing says which server to take,
	 * pgjdbc is told to accept only a primary ({@code targetServerType=primary}), so a
	 * connection opened on a read-only server fails (08001) and the next one is tried.
	 */
	static boolean primaryExpected(PoolGuardProperties properties, HikariDataSource pool, List<Problem> problems) {
		String target = targetServerType(pool);
		boolean targetAcceptsStandby = target != null && !PRIMARY_ONLY.contains(target.toLowerCase(Locale.ROOT));
		Boolean declared = properties.getExpectPrimary();
		boolean expected = (declared != null) ? declared : !(targetAcceptsStandby || pool.isReadOnly());
		if (expected && targetAcceptsStandby) {
			problems.add(new Problem(EXPECT_PRIMARY, "true",
					"the JDBC URL's targetServerType=" + target + " lets the pool connect to a server that is not a "
							+ "primary",
					"Remove targetServerType from the URL or make it primary, or set " + EXPECT_PRIMARY
							+ "=false for a pool that may read from a standby."));
		}
		if (expected && target == null) {
			pool.addDataSourceProperty(TARGET_SERVER_TYPE, "primary");
		}
		return expected;
	}

	private static String targetServerType(HikariDataSource pool) {
		Map<String, String> url = PoolSettingsResolver.urlParameters(pool.getJdbcUrl());
		for (Map.Entry<String, String> parameter : url.entrySet()) {
			if (TARGET_SERVER_TYPE.equalsIgnoreCase(parameter.getKey())) {
				return parameter.getValue();
			}
		}
		for (Map.Entry<Object, Object> property : pool.getDataSourceProperties().entrySet()) {
			if (TARGET_SERVER_TYPE.equalsIgnoreCase(String.valueOf(property.getKey()))) {
				return String.valueOf(property.getValue());
			}
		}
		return null;
	}

}
