package dev.poolguard.autoconfigure.budget;

import java.net.SocketTimeoutException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the limits' own connection keeps of the pool's URL, and what a failure to read the
 * limits is allowed to say.
 */
class ServerLimitsReaderTests {

	@Test
	void timeoutsInTheUrlAreDroppedSoThatTheShortOnesHold() {
		assertThat(ServerLimitsReader.withoutTimeouts(
				"jdbc:postgresql://db:5432/orders?sslmode=require&socketTimeout=0&connectTimeout=60&LOGINTIMEOUT=99"))
			.isEqualTo("jdbc:postgresql://db:5432/orders?sslmode=require");
		assertThat(ServerLimitsReader.withoutTimeouts("jdbc:postgresql://db:5432/orders?socketTimeout=0"))
			.isEqualTo("jdbc:postgresql://db:5432/orders");
		assertThat(ServerLimitsReader.withoutTimeouts("jdbc:postgresql://db:5432/orders"))
			.isEqualTo("jdbc:postgresql://db:5432/orders");
	}

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
