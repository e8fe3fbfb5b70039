package dev.poolguard.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A hot standby of a dedicated embedded server replays what the primary writes, read-only. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingReplicaTest {

	private PostgresServer primary;

	private PostgresServer replica;

	@BeforeAll
	void startPrimaryAndReplica() {
		primary = PostgresServers.dedicated();
		replica = PostgresServers.streamingReplicaOf(primary);
	}

	@AfterAll
	void closeBoth() {
		if (replica != null) {
			replica.close();
		}
		primary.close();
	}

	@Test
	void replicaIsInRecoveryAndReplaysThePrimarysWrites() {
		assertThat(replica.query("SELECT pg_is_in_recovery()::text", ResultSetReader.singleString())).isEqualTo("true");
		primary.execute("CREATE TABLE replicated (name text)");
		primary.execute("INSERT INTO replicated VALUES ('streamed')");
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertThat(
				replica.query("SELECT name FROM replicated", ResultSetReader.singleString())).isEqualTo("streamed"));
		assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> replica.execute("INSERT INTO replicated VALUES ('refused')"))
				.withStackTraceContaining("read-only");
	}

	@Test
	void pausedReplayLeavesNewWritesUnseenUntilResumed() throws SQLException {
		primary.execute("CREATE TABLE paused (n int)");
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertThat(
				replica.query("SELECT count(*)::text FROM paused", ResultSetReader.singleString())).isEqualTo("0"));
		replica.execute("SELECT pg_wal_replay_pause()");
		try {
			primary.execute("INSERT INTO paused VALUES (1)");
			assertThat(replica.query("SELECT count(*)::text FROM paused", ResultSetReader.singleString())).isEqualTo("0");
		} finally {
			replica.execute("SELECT pg_wal_replay_resume()");
		}
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertThat(
				replica.query("SELECT count(*)::text FROM paused", ResultSetReader.singleString())).isEqualTo("1"));
	}

}
