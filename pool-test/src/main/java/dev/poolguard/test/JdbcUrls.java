package dev.poolguard.test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Takes PostgreSQL JDBC URLs apart without losing their query parameters. */
final class JdbcUrls {

	private static final int DEFAULT_PORT = 5432;

	// jdbc:postgresql://hosts[/database][?params]; hosts may be empty, a list, or contain [IPv6] literals.
	private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://)([^/?]*)(?:/([^?]*))?(\\?.*)?$");

	// pgjdbc accepts credentials as URL parameters; logs must not show them.
	private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&](?:password|sslpassword)=)[^&]*");

	private JdbcUrls() {
	}

	/** The URL fit for a log: any password parameter is masked. */
	static String redacted(String url) {
		return url == null ? null : PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
	}

	static String build(String host, int port, String database) {
		return "jdbc:postgresql://" + hostForUrl(host) + ":" + port + "/" + database;
	}

	static String withDatabase(String url, String database) {
		Matcher m = parse(url);
		return m.group(1) + m.group(2) + "/" + database + nullToEmpty(m.group(4));
	}

	/** Replaces every host of the URL with one {@code host:port} (for a proxy in front of it). */
	static String withHostAndPort(String url, String host, int port) {
		Matcher m = parse(url);
		String database = m.group(3) == null ? "" : "/" + m.group(3);
		return m.group(1) + hostForUrl(host) + ":" + port + database + nullToEmpty(m.group(4));
	}

	static String database(String url) {
		String database = parse(url).group(3);
		return database == null || database.isEmpty() ? "postgres" : database;
	}

	/** The first host of the URL; pgjdbc's default {@code localhost} when none is given. */
	static String host(String url) {
		String first = firstHost(url);
		if (first.startsWith("[")) {
			return first.substring(1, first.indexOf(']'));
		}
		int colon = first.indexOf(':');
		String host = colon < 0 ? first : first.substring(0, colon);
		return host.isEmpty() ? "localhost" : host;
	}

	static int port(String url) {
		String first = firstHost(url);
		int portStart = first.startsWith("[") ? first.indexOf("]:") + 1 : first.indexOf(':');
		if (portStart <= 0 || portStart == first.length() - 1) {
			return DEFAULT_PORT;
		}
		return Integer.parseInt(first.substring(portStart + 1));
	}

	private static String firstHost(String url) {
		String hosts = parse(url).group(2);
		int comma = hosts.indexOf(',');
		return comma < 0 ? hosts : hosts.substring(0, comma);
	}

	private static Matcher parse(String url) {
		Matcher m = URL.matcher(url == null ? "" : url);
		if (!m.matches()) {
			throw new IllegalArgumentException(
					"Not a PostgreSQL JDBC URL of the form jdbc:postgresql://host:port/database: " + url);
		}
		return m;
	}

	private static String hostForUrl(String host) {
		return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
	}

	private static String nullToEmpty(String s) {
		return s == null ? "" : s;
	}
}
