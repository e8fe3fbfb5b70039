package dev.poolguard.autoconfigure.budget;

import java.net.SocketTimeoutException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a failure to read the limits is allowed to say.
 */
class ServerLimitsReaderTests {

	@Test
	void failureQuotingTheUrlDoesNotShowItsPassword() {
		RuntimeException failure = new RuntimeException("Driver org.postgresql.Driver claims to not accept jdbcUrl, "
				+ "jdbc:postgresql://db/orders?user=app&password=Top-S3cret&ssl=true");
		assertThat(ServerLimitsReader.describe(failure)).doesNotContain("Top-S3cret").contains("password=******&ssl=true");
	}

	@Test
	void failureNamesItsCauseAndSqlState() {
		SQLException failure = new SQLException("The connection attempt failed.", "08001",
				new SocketTimeoutException("Connect timed out"));
		assertThat(ServerLimitsReader.describe(failure))
			.isEqualTo("The connection attempt failed: Connect timed out (SQLState 08001)");
	}

}
