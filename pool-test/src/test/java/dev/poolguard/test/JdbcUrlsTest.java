package dev.poolguard.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

	@Test
	void replacesTheDatabaseKeepingParameters() {
		assertThat(JdbcUrls.withDatabase("jdbc:postgresql://db:6543/app?sslmode=require", "other"))
				.isEqualTo("jdbc:postgresql://db:6543/other?sslmode=require");
		assertThat(JdbcUrls.withDatabase("jdbc:postgresql://db", "other")).isEqualTo("jdbc:postgresql://db/other");
	}

	@Test
	void replacesAllHostsForAProxy() {
		assertThat(JdbcUrls.withHostAndPort("jdbc:postgresql://a:1,b:2/app?x=y", "127.0.0.1", 9))
				.isEqualTo("jdbc:postgresql://127.0.0.1:9/app?x=y");
	}

	@Test
	void readsHostPortAndDatabase() {
		String url = "jdbc:postgresql://db.example:6543/app?sslmode=require";

		assertThat(JdbcUrls.host(url)).isEqualTo("db.example");
		assertThat(JdbcUrls.port(url)).isEqualTo(6543);
		assertThat(JdbcUrls.database(url)).isEqualTo("app");
	}

	@Test
	void fillsPgjdbcDefaults() {
		assertThat(JdbcUrls.host("jdbc:postgresql:///app")).isEqualTo("localhost");
		assertThat(JdbcUrls.port("jdbc:postgresql://db/app")).isEqualTo(5432);
		assertThat(JdbcUrls.database("jdbc:postgresql://db:5432/")).isEqualTo("postgres");
	}

	@Test
	void understandsIpv6Literals() {
		assertThat(JdbcUrls.host("jdbc:postgresql://[::1]:6543/app")).isEqualTo("::1");
		assertThat(JdbcUrls.port("jdbc:postgresql://[::1]:6543/app")).isEqualTo(6543);
		assertThat(JdbcUrls.build("::1", 5, "db")).isEqualTo("jdbc:postgresql://[::1]:5/db");
	}

	@Test
	void redactsPasswordsForLogs() {
		assertThat(JdbcUrls.redacted("jdbc:postgresql://db/app?user=u&password=s3cr3t&sslmode=require"))
				.isEqualTo("jdbc:postgresql://db/app?user=u&password=***&sslmode=require");
		assertThat(JdbcUrls.redacted("jdbc:postgresql://db/app?PASSWORD=s3cr3t")).doesNotContain("s3cr3t");
	}

	@Test
	void rejectsOtherDatabases() {
		assertThatIllegalArgumentException().isThrownBy(() -> JdbcUrls.database("jdbc:mysql://db/app"));
	}
}
