package dev.poolguard.autoconfigure.replica;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lag is the age of the oldest WAL the primary wrote and the replica has not replayed: an
 * idle primary never makes a replica late.
 */
class WalLagTests {

	private static final long SECOND = 1_000_000_000L;

	private final WalLag lag = new WalLag();

	@Test
	void replicaThatReplayedEverythingIsNotLateHoweverLongThePrimaryWasIdle() {
		this.lag.primaryAt(100, 0);
		this.lag.primaryAt(100, 3600 * SECOND);
		assertThat(this.lag.replicaAt(100, 3600 * SECOND)).isZero();
	}

	@Test
	void lagIsTheAgeOfTheOldestPositionNotReplayed() {
		this.lag.primaryAt(100, 0);
		this.lag.primaryAt(200, 2 * SECOND);
		this.lag.primaryAt(300, 4 * SECOND);
		assertThat(this.lag.replicaAt(150, 5 * SECOND)).isEqualTo(Duration.ofSeconds(3));
		assertThat(this.lag.replicaAt(300, 6 * SECOND)).isZero();
	}

	@Test
	void positionsAreReadAsPostgreSQLWritesThem() {
		assertThat(WalLag.parse("0/16B3748")).isEqualTo(0x16B3748L);
		assertThat(WalLag.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
	}

}
