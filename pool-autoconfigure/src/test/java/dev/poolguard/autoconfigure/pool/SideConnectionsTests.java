package dev.poolguard.autoconfigure.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What PoolGuard's own connections keep of the pool's URL.
 */
class SideConnectionsTests {

	@Test
	void timeoutsInTheUrlAreDroppedSoThatTheShortOnesHold() {
		assertThat(SideConnections.withoutTimeouts(
				"jdbc:postgresql://db:5432/orders?sslmode=require&socketTimeout=0&connectTimeout=60&LOGINTIMEOUT=99"))
			.isEqualTo("jdbc:postgresql://db:5432/orders?sslmode=require");
		assertThat(SideConnections.withoutTimeouts("jdbc:postgresql://db:5432/orders?socketTimeout=0"))
			.isEqualTo("jdbc:postgresql://db:5432/orders");
		assertThat(SideConnections.withoutTimeouts("jdbc:postgresql://db:5432/orders"))
			.isEqualTo("jdbc:postgresql://db:5432/orders");
	}

}
