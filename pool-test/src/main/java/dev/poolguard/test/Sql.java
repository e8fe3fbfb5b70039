package dev.poolguard.test;

import java.util.regex.Pattern;

/** Quoting for the few statements that cannot take bind parameters (DDL). */
final class Sql {

	// GUC names are plain identifiers, optionally dotted for extension settings (e.g. pg_stat_statements.max).
	private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private Sql() {
	}

	static String identifier(String name) {
		if (name == null || name.isEmpty()) {
			throw new IllegalArgumentException("Name must not be empty");
		}
		return '"' + name.replace("\"", "\"\"") + '"';
	}

	/** A string literal; relies on standard_conforming_strings (on by default since PostgreSQL 9.1). */
	static String literal(String value) {
		return '\'' + value.replace("'", "''") + '\'';
	}

	static String settingName(String name) {
		if (name == null || !SETTING_NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("Not a PostgreSQL setting name: " + name);
		}
		return name;
	}

	static int connectionLimit(int limit) {
		if (limit < -1) {
			throw new IllegalArgumentException("Connection limit must be -1 (unlimited) or more, was " + limit);
		}
		return limit;
	}
}
